"""The base-year calibration: a consistent set of monthly flows that the kernel reproduces.

The bundled tables come from many sources and do not balance by themselves (world separated
output, magnet output and mine output are reported by different publishers). This module turns
them into one balanced base year, in tonnes of rare-earth-oxide equivalent (t REO) per month:

1. **Mining**: each node's 2024 mine output (USGS MCS 2026, raised to the ionic-clay feed a
   country ships to China where customs report more: Laos) times its element profile
   (``country_deposits`` x ``element_profiles``).
2. **Separation**: all mined REO is separated in the base year, in two circuits
   (``elements.circuit``): a *light circuit* separates La, Ce, Pr and Nd (and Sc), a *heavy
   circuit* Sm and heavier, and Y (the SEG and heavy fraction a light circuit passes on as a
   mixed compound). Each node's share of the world's light-element separation is its share of
   reported ``separation_light`` output, its share of the heavy elements its share of
   ``separation_heavy`` output (``stage_capacity``; a heavy circuit counts only from its first
   year: one reported only after the base year separates nothing in it). Per circuit, nodes feed
   their own plants first, then the ionic-clay feed of Myanmar and Laos goes to China
   (:mod:`reesim.model.clay_feed`); the rest of the world's concentrate of that circuit's
   elements is pooled and shipped to nodes short of feed, so a mine's light and heavy elements
   may go to different countries.
3. **Magnets and metal**: magnet output by node is reported magnet output in or before the base
   year (a plant first reported later is a project) times its rare-earth content, in the world's
   mix of magnet grades (:func:`magnet_grades`); metal output is what magnet plants need, split
   by reported metal shares.
   Where mined profiles cannot feed reported magnet output, the gap is closed by *secondary
   supply* in China, reported as a diagnostic: oxide recovered from magnet scrap (reported per
   element, ``secondary_oxide``; :mod:`reesim.model.secondary`), and the rest unexplained
   (undocumented mining, weak element profiles).
   End-of-life recycling returns oxide where magnets are used: in the base year products reach
   the end of their life as fast as magnets go into use (the products in use are in steady state,
   :mod:`reesim.model.lifetimes`), and ``eol_collection_rate`` x ``eol_recovery_rate`` of
   their rare earths comes back. Manufacturing scrap (swarf and offcuts) recycled in China is
   the named part of the secondary supply (``swarf``): it has no product lifetime and follows
   China's magnet output month by month.
4. **Final demand**: separated oxide not needed for metal is final oxide demand (catalysts,
   polishing, glass, phosphors ...); magnets are final magnet demand. Both are split among nodes by
   ``demand_shares``.
5. **Trade**: per material and element, nodes use their own output first; remaining deficits are
   filled from a world pool in proportion to exporters' surpluses. Trade shares (per element) are
   those pooled flows, normalised per importer.

Because every flow is derived from one balance, a run with no policy change and no growth
reproduces the base year exactly; the tests check it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from reesim.dataset.model import Dataset
from reesim.model.clay_feed import clay_exports, clay_routes, route_first
from reesim.model.dims import CONCENTRATE, MAGNET, METAL, OXIDE, Dims
from reesim.model.prices import reference_prices
from reesim.model.secondary import named_secondary

Array = NDArray[np.float64]
BASE_YEAR = 2024
EDITION = "MCS2026"
MONTHS = 12.0


@dataclass(frozen=True)
class Baseline:
    """Balanced base-year flows, per month, as plain arrays (t REO-equivalent unless stated).

    Shapes: N nodes, E elements, K = 4 materials (concentrate, oxide, metal, magnet).
    """

    dims: Dims
    mine: Array  # [N] mine output, t REO/month
    profile: Array  # [N, E] element shares of mine output (rows sum to 1, or 0 where no mining)
    production: Array  # [K, N, E] base-year production of each material
    feed: Array  # [K, N, E] input each stage draws from material k (k = 0..2; magnet row is zero)
    final: Array  # [K, N, E] final demand of each material
    trade: Array  # [K, N_importer, N_exporter, E] base-year flows
    shares: Array  # [K, N_importer, N_exporter, E] trade shares (rows sum to 1 per element)
    capacity: Array  # [K, N] capacity of the stage producing material k, t REO/month
    heavy: NDArray[np.bool_]  # [E] True for the elements of the heavy circuit (Sm and heavier, Y)
    magnet_mix: Array  # [E] element shares of magnet rare-earth content
    magnet_grades: Array  # [G, E] t element per t of the world's magnet output, by grade
    yields: Array  # [K] output per input of the stage producing material k (mining = 1)
    defence_share: Array  # [N] share of final magnet demand that is defence
    prices: Array  # [K, E] base-year prices, USD/kg REO-equivalent
    secondary: Array  # [E] secondary oxide supply in China closing the magnet-element gap, t/month
    recycled: Array  # [N, E] oxide recovered from end-of-life magnets where they were used, t/month
    swarf: Array  # [N, E] part of the secondary supply recovered from magnet makers' scrap, t/month
    diagnostics: dict[str, float] = field(default_factory=dict)


def _by_node(dims: Dims, codes: pd.Series, values: pd.Series) -> Array:
    out = np.zeros(dims.n_nodes)
    for code, value in zip(codes, values, strict=True):
        if str(code) in {"WLD", ""} or pd.isna(value):
            continue
        out[dims.node("ROW" if code == "OTH" else str(code))] += float(value)
    return out


def mine_output(ds: Dataset, dims: Dims, year: int = BASE_YEAR, edition: str = EDITION) -> Array:
    """Mine output per node, t REO per year (countries summed into their nodes): a country's
    ionic-clay feed to China (``clay_feed``) where it is more than its USGS figure."""
    weight = _mine_weights(ds, year, edition)
    return _by_node(dims, pd.Series(list(weight)), pd.Series(list(weight.values())))


def _mine_weights(ds: Dataset, year: int, edition: str) -> dict[str, float]:
    """Country -> t REO per year mined: USGS, raised to the ionic-clay feed it ships."""
    mp = ds.mine_production
    rows = mp[(mp["year"] == year) & (mp["edition"] == edition)]
    if rows.empty:
        raise KeyError(f"no mine production for {year} in edition {edition}")
    weight = {str(c): float(q) for c, q in zip(rows["iso3"], rows["quantity"], strict=True)}
    for iso, fed in clay_exports(ds, year).items():
        weight[iso] = max(weight.get(iso, 0.0), fed)
    return weight


def mine_profiles(ds: Dataset, dims: Dims, year: int = BASE_YEAR, edition: str = EDITION) -> Array:
    """Element profile of each node's mine output: [N, E], rows normalised to sum to 1."""
    prof = ds["element_profiles"].pivot_table(
        index="deposit", columns="element", values="share", aggfunc="sum"
    )
    prof = prof.reindex(columns=list(dims.elements), fill_value=0.0).fillna(0.0)
    weight = {c: q for c, q in _mine_weights(ds, year, edition).items() if c != "WLD"}
    out = np.zeros((dims.n_nodes, dims.n_elements))
    profiles = {str(d): prof.to_numpy(dtype=float)[i] for i, d in enumerate(prof.index)}
    pooled = sum(float(q) for c, q in weight.items() if dims.node_of_country.get(str(c), "ROW") == "ROW")
    for iso, deposit, share in zip(
        ds["country_deposits"]["iso3"],
        ds["country_deposits"]["deposit"],
        ds["country_deposits"]["share"],
        strict=True,
    ):
        # ROW's deposit mix applies to every country pooled into ROW (and USGS "other countries")
        tonnes = pooled if iso == "ROW" else float(weight.get(iso, 0.0))
        out[dims.node(str(iso))] += tonnes * float(share) * profiles[str(deposit)]
    totals = out.sum(axis=1, keepdims=True)
    shares: Array = np.divide(out, totals, out=np.zeros_like(out), where=totals > 0)
    return shares


def stage_values(
    ds: Dataset, dims: Dims, stages: tuple[str, ...], year: int = BASE_YEAR, later: bool = True
) -> Array:
    """Per node, the output of ``stages`` in ``year`` (capacity where no output is reported).

    For each node and stage the row of ``year`` is used if present, else the latest year before
    it, else (with ``later``) the earliest after it; without ``later`` a stage reported only after
    ``year`` counts nothing. Units are those of the table (t REO, t metal or t magnet).
    """
    sc = ds["stage_capacity"]
    sc = sc[sc["stage"].isin(stages)]
    if not later:
        sc = sc[sc["year"] <= year]
    out = np.zeros(dims.n_nodes)
    for (iso, _stage), rows in sc.groupby(["iso3", "stage"]):
        distance = (rows["year"] - year).abs() + (rows["year"] > year) * 0.5
        best = rows.iloc[int(np.argmin(distance.to_numpy()))]
        produced, capacity = float(best["production"]), float(best["capacity"])
        value = produced if not np.isnan(produced) else capacity
        if str(iso) != "WLD" and not np.isnan(value):
            out[dims.node(str(iso))] += value
    return out


def heavy_circuit(ds: Dataset, dims: Dims) -> NDArray[np.bool_]:
    """[E] True for the elements a heavy circuit separates, False for the light circuit's."""
    circuit = dict(zip(ds.elements["symbol"], ds.elements["circuit"], strict=True))
    return np.array([circuit[s] == "heavy" for s in dims.elements])


def _separation(
    ds: Dataset, dims: Dims, mine: Array, profile: Array, heavy: NDArray[np.bool_], routes: Array
) -> tuple[Array, Array]:
    """Base-year concentrate routing, t REO/month: (flows [N_imp, N_exp, E], own use [N, E]).

    For each circuit, node n separates its share of the world's mined REO of the circuit's
    elements (its share of the circuit's reported output): its own mine's first, then from a
    world pool of the rest in proportion to each exporter's surplus, in the exporter's element
    mix within the circuit. Before the pool, the ionic-clay feed (``routes`` [N_imp, N_exp],
    t REO/month of whole mine output) goes to its importer. A heavy circuit reported only after
    the base year does not count.
    """
    flows = np.zeros((dims.n_nodes, dims.n_nodes, dims.n_elements))
    own = np.zeros((dims.n_nodes, dims.n_elements))
    circuits = (("separation_light", ~heavy, True), ("separation_heavy", heavy, False))
    for stage, members, later in circuits:
        share = stage_values(ds, dims, (stage,), later=later)
        if share.sum() <= 0:
            raise ValueError(f"stage_capacity has no {stage} output in or before {BASE_YEAR}")
        part = profile * members  # [N, E] the circuit's elements in each node's mine output
        within = part.sum(axis=1, keepdims=True)
        mix = np.divide(part, within, out=np.zeros_like(part), where=within > 0)
        have = mine * within[:, 0]
        need = share / share.sum() * have.sum()
        routed, need_left, have_left = route_first(need, have, routes * within[None, :, 0])
        reo, _ = _pool(need_left[:, None], have_left[:, None])
        flows += (reo[:, :, 0] + routed)[:, :, None] * mix[None, :, :]
        own += np.minimum(have, need)[:, None] * mix
    return flows, own


def _pool(need: Array, have: Array) -> tuple[Array, Array]:
    """Own supply first, then a world pool: returns (flows [N_imp, N_exp, E], used_own [N, E])."""
    own = np.minimum(need, have)
    deficit, surplus = need - own, have - own
    total = surplus.sum(axis=0)
    weights = np.divide(surplus, total, out=np.zeros_like(surplus), where=total > 0)
    flows = deficit[:, None, :] * weights[None, :, :]
    return flows, own


def _shares(flows: Array, fallback: Array) -> Array:
    """Normalise flows per importer and element; importers without flows get the pool weights."""
    total = flows.sum(axis=1, keepdims=True)
    shares = np.divide(flows, total, out=np.zeros_like(flows), where=total > 0)
    empty = np.broadcast_to(total <= 0, flows.shape)
    return np.where(empty, np.broadcast_to(fallback[None, :, :], flows.shape), shares)


def _demand_shares(ds: Dataset, dims: Dims, material: str) -> Array:
    table = ds["demand_shares"]
    rows = table[table["material"] == material]
    shares = _by_node(dims, rows["iso3"], rows["share"])
    if shares.sum() <= 0:
        raise ValueError(f"demand_shares has no rows for {material}")
    out: Array = shares / shares.sum()
    return out


#: The grades magnets are made in, as (grade, with_gbd) rows of magnet_bom.csv, and the stage
#: whose reported output each belongs to.
GRADES: tuple[tuple[str, str, str], ...] = (
    ("ndfeb_ev", "yes", "magnet_sintered"),  # high-coercivity, Tb by grain-boundary diffusion
    ("ndfeb_n42", "no", "magnet_sintered"),  # industrial grade with Dy
    ("ndfeb_std", "no", "magnet_sintered"),  # standard N and M grades, no heavy rare earths
    ("ndfeb_bonded", "no", "magnet_bonded"),
    ("smco_2_17", "no", "magnet_smco"),
)


def magnet_grades(ds: Dataset, dims: Dims) -> Array:
    """[G, E] rare earths in each grade of :data:`GRADES` per tonne of the world's magnet output
    (t element / t magnet, summing over grades and elements to the average rare-earth content):
    each grade's bill of materials times its share of output. Sintered output splits into the EV
    grade (``magnet_share_ev_grade``), the standard heavy-free grade
    (``magnet_share_heavy_free``) and the industrial grade with Dy (the rest); bonded and
    samarium-cobalt output are their stages' reported tonnes."""
    bom = ds["magnet_bom"]
    stages = {name for _, _, name in GRADES}
    stage = {name: float(stage_values(ds, dims, (name,), later=False).sum()) for name in stages}
    total = sum(stage.values())
    ev, free = ds.parameter("magnet_share_ev_grade"), ds.parameter("magnet_share_heavy_free")
    within = {"ndfeb_ev": ev, "ndfeb_n42": 1.0 - ev - free, "ndfeb_std": free}
    out = np.zeros((len(GRADES), dims.n_elements))
    for g, (grade, gbd, name) in enumerate(GRADES):
        weight = stage[name] / total * within.get(grade, 1.0)
        rows = bom[(bom["grade"] == grade) & (bom["with_gbd"] == gbd) & bom["element"].isin(dims.elements)]
        for r in rows.itertuples(index=False):
            out[g, dims.element(str(r.element))] += weight * float(str(r.mass_fraction))
    return out


def thriftable_elements(grades: Array) -> NDArray[np.bool_]:
    """[E] the magnet elements designers can thrift: those some sintered grade of :data:`GRADES`
    contains and another does without (Dy and Tb: grain-boundary diffusion gives the same
    coercivity with one-half to one-third of the heavy content, and the standard grades need none).
    Elements every sintered grade contains (Nd, Pr) only other motor designs replace. ``grades`` is
    :func:`magnet_grades`' [G, E] content."""
    sintered = grades[[g for g, (_, _, stage) in enumerate(GRADES) if stage == "magnet_sintered"]]
    made = sintered.sum(axis=1) > 0.0  # grades with output
    held = sintered[made] > 0.0
    out: NDArray[np.bool_] = held.any(axis=0) & ~held.all(axis=0)
    return out


#: The last dataset calibrated with its default dims, and its base year: the scenario's projects,
#: their costs and the run each ask for the base year of the same dataset object.
_LAST: list[tuple[weakref.ref[Dataset], Baseline]] = []


def build_baseline(ds: Dataset, dims: Dims | None = None) -> Baseline:
    """Calibrate the balanced base year from the dataset (see the module docstring).

    Asked again for the same dataset object (and default dims), the base year is not calibrated
    again: the same :class:`Baseline` is returned.
    """
    if dims is None and _LAST and _LAST[0][0]() is ds:
        return _LAST[0][1]
    built = _calibrate(ds, dims)
    if dims is None:
        _LAST[:] = [(weakref.ref(ds), built)]
    return built


def _calibrate(ds: Dataset, dims: Dims | None) -> Baseline:
    dims = dims or Dims.from_dataset(ds)
    n, e = dims.n_nodes, dims.n_elements
    heavy = heavy_circuit(ds, dims)
    oxide_to_metal = dict(zip(ds.elements["symbol"], ds.elements["oxide_to_metal"], strict=True))
    y_sep, y_metal = ds.parameter("separation_recovery"), ds.parameter("metal_recovery")
    y_magnet = ds.parameter("magnet_yield_sintered")
    re_content = ds.parameter("magnet_re_content")

    mine = mine_output(ds, dims) / MONTHS
    profile = mine_profiles(ds, dims)
    mined = mine[:, None] * profile

    # Separation, per circuit: node shares of reported separated output; all mined REO is separated.
    routes = clay_routes(ds, dims, BASE_YEAR) / MONTHS
    conc_flows, own_conc = _separation(ds, dims, mine, profile, heavy, routes)
    sep_feed = own_conc + conc_flows.sum(axis=1)
    oxide = y_sep * sep_feed

    # Magnets: reported magnet output x RE content, as t REO-equivalent of the magnet mix.
    grades = magnet_grades(ds, dims)
    mix = grades.sum(axis=0) / grades.sum()
    metal_per_oxide = float(sum(mix[dims.element(s)] * oxide_to_metal[s] for s in dims.elements))
    # Magnet plants that started after the base year (Neo in Estonia, JS Link in Korea) are
    # projects, not base-year output.
    magnet_stages = ("magnet_sintered", "magnet_bonded", "magnet_smco")
    magnet_t = stage_values(ds, dims, magnet_stages, later=False) / MONTHS
    magnet_content = magnet_t * re_content / metal_per_oxide
    magnet = magnet_content[:, None] * mix[None, :]
    magnet_feed = magnet / y_magnet
    # End-of-life recycling: in steady state as many magnets leave use as enter it; the collected
    # and recovered share returns as oxide where they were used.
    final_magnet = _demand_shares(ds, dims, "magnet")[:, None] * magnet.sum(axis=0)[None, :]
    recycled = ds.parameter("eol_collection_rate") * ds.parameter("eol_recovery_rate") * final_magnet
    oxide = oxide + recycled
    # Reported magnet output needs more Nd, Pr and Tb than the mined profiles yield. The gap is
    # closed by secondary supply in China (recycled swarf and scrap, undocumented mining), added
    # to China's oxide output and reported as a diagnostic.
    need_oxide = magnet_feed.sum(axis=0) / y_metal
    secondary = np.maximum(need_oxide - oxide.sum(axis=0), 0.0)
    # The part of it that is reported: China's oxide from magnet scrap, per element. It is
    # manufacturing scrap (swarf and offcuts), which follows China's magnet output in a run.
    named_e = named_secondary(ds, dims, secondary * MONTHS, "CHN", BASE_YEAR) / MONTHS  # [E] t/month
    named = float(named_e.sum())
    swarf = np.zeros((n, e))
    swarf[dims.node("CHN")] = named_e
    oxide[dims.node("CHN")] += secondary
    world_oxide = oxide.sum(axis=0)

    metal_share = stage_values(ds, dims, ("metal",))
    metal_share = metal_share / metal_share.sum()
    metal = metal_share[:, None] * magnet_feed.sum(axis=0)[None, :]
    metal_feed = metal / y_metal

    # Oxide left for final uses; where secondary supply closed the gap it is zero up to rounding.
    left = world_oxide - metal_feed.sum(axis=0)
    left = np.where(left > 1e-9 * world_oxide, left, 0.0)
    final_oxide = _demand_shares(ds, dims, "oxide")[:, None] * left[None, :]

    production = np.stack([mined, oxide, metal, magnet])
    feed = np.stack([sep_feed, metal_feed, magnet_feed, np.zeros((n, e))])
    final = np.stack([np.zeros((n, e)), np.maximum(final_oxide, 0.0), np.zeros((n, e)), final_magnet])
    trade = np.zeros((4, n, n, e))
    trade[CONCENTRATE] = conc_flows
    for k in (OXIDE, METAL, MAGNET):
        trade[k], _ = _pool(feed[k] + final[k], production[k])
    pool = production / np.maximum(production.sum(axis=1, keepdims=True), 1e-300)
    shares = np.stack([_shares(trade[k], pool[k]) for k in range(4)])
    capacity = np.stack([mine, oxide.sum(axis=1), metal.sum(axis=1), magnet.sum(axis=1)])
    prices = reference_prices(ds, dims, BASE_YEAR)  # USGS oxide prices of the base year
    return Baseline(
        dims=dims, mine=mine, profile=profile, production=production, feed=feed, final=final, trade=trade,
        shares=shares, capacity=capacity, heavy=heavy, magnet_mix=mix, magnet_grades=grades,
        yields=np.array([1.0, y_sep, y_metal, y_magnet]), defence_share=_defence_share(ds, dims),
        prices=prices, secondary=secondary, recycled=recycled, swarf=swarf,
        diagnostics={"secondary_supply_t_per_yr": float(secondary.sum() * MONTHS),
                     "secondary_from_scrap_t_per_yr": named * MONTHS,
                     "secondary_unexplained_t_per_yr": float(secondary.sum() - named) * MONTHS,
                     "secondary_unexplained_share_of_mine": float((secondary.sum() - named) / mine.sum()),
                     "clay_feed_t_per_yr": float(routes.sum() * MONTHS),
                     "clay_share_of_china_heavy_feed": _clay_share(dims, conc_flows, sep_feed, routes, heavy),
                     "metal_per_oxide": metal_per_oxide},
    )  # fmt: skip


def _clay_share(dims: Dims, flows: Array, sep_feed: Array, routes: Array, heavy: NDArray[np.bool_]) -> float:
    """Share of China's heavy-circuit feed (t REO) that comes from the ionic-clay exporters."""
    chn = dims.node("CHN")
    exporters = routes[chn] > 0
    feed = float(sep_feed[chn, heavy].sum())
    return float(flows[chn][exporters][:, heavy].sum()) / feed if feed > 0 else 0.0


def _defence_share(ds: Dataset, dims: Dims) -> Array:
    share = ds.parameter("defence_share_of_magnet_demand")
    return np.full(dims.n_nodes, share)


def priced(base: Baseline, ds: Dataset, year: int | None) -> Baseline:
    """``base`` with the reference prices of ``year`` (USD/kg; see :mod:`reesim.model.prices`);
    ``None`` or the base year gives ``base`` itself. Its flows are unchanged."""
    if year is None or year == BASE_YEAR:
        return base
    return replace(base, prices=reference_prices(ds, base.dims, year))
