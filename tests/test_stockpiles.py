"""Strategic stockpiles help their holder and its allies: they release to the stage that needs the
material as well as to final users, buy only while their market is not short, release to short
allies down to the holder's reserve, release on schedule into their holder's supply, wait for a
sale price, and (defence holdings) serve defence users only; what they lose is what holders and
allies receive. Bad release rules in a scenario file are reported with line, field and hint
(reference kernel; the fast kernel agrees step by step in test_kernel_steps.py)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from tests.strategies import BASE, DS

from reesim.backtest.rules import scaled_stockpiles
from reesim.errors import InputError, Problem
from reesim.kernel.reference import run_reference
from reesim.kernel.state import Outputs
from reesim.model.compile import compile_scenario
from reesim.model.scenario import ExportControl, Scenario, Stockpile
from reesim.scenarios import resolve
from reesim.scenarios.catalog import load_text

OXIDE = 1
USA, KOR = BASE.dims.node("USA"), BASE.dims.node("KOR")


def _run(scenario: Scenario) -> Outputs:
    return run_reference(compile_scenario(scenario, DS, BASE))


def test_a_larger_stockpile_does_not_leave_its_holder_worse_off() -> None:
    """The race under a full embargo: a US NdPr oxide stockpile ten times larger lowers the US's
    cumulative unmet demand (by about 800 t, 6.6%, all of it magnets: the US metal stage turns the
    released oxide into metal) instead of raising it, and its purchases of Nd and Pr before
    the embargo do not leave the US shorter of the heavy oxides (Y, Dy: Lynas's heavy circuit)."""
    race, embargo = resolve("race", DS), resolve("full-embargo", DS)
    both = replace(race, instruments=race.instruments + embargo.instruments)
    assert any(isinstance(i, Stockpile) and i.holder == "USA" for i in both.instruments)
    outs = [_run(scaled_stockpiles(both, f)) for f in (1.0, 10.0)]
    unmet = [float(o.unmet[0, :, :, USA].sum()) for o in outs]
    assert unmet[1] < 0.95 * unmet[0]
    magnets = [float(o.unmet[0, :, MAGNET, USA].sum()) for o in outs]
    assert magnets[1] < magnets[0] - 500.0
    heavy = [float(o.unmet[0, :, OXIDE, USA][:, BASE.heavy].sum()) for o in outs]
    assert heavy[1] < heavy[0] + 0.01 * heavy[0]


def test_a_stock_held_off_the_market_changes_nothing() -> None:
    """Strategic stocks are off the market until released: in ``race``, Korea holding 20,000 t of
    Nd and Pr oxide that it neither adds to nor releases (no shortfall exceeds all of a use) leaves
    every price, flow and shortfall as they are without it. Counted as market stock, it would
    read as a glut and lower the price of NdPr outside China."""
    race = resolve("race", DS)
    idle = Stockpile(holder="KOR", material="oxide", target=20_000.0, purchase_per_yr=0.0, start=race.start,
                     elements=("Nd", "Pr"), initial=20_000.0, release_shortfall=1.0)  # fmt: skip
    without, held = _run(race), _run(replace(race, instruments=(*race.instruments, idle)))
    assert float(held.stockpile[0, -1, OXIDE, KOR].sum()) == pytest.approx(20_000.0)
    for field in ("price", "production", "consumption", "unmet", "imports", "exports", "inventory"):
        np.testing.assert_array_equal(getattr(held, field), getattr(without, field), err_msg=field)


def test_filling_a_larger_stockpile_does_not_lower_its_market_price() -> None:
    """A US NdPr stockpile ten times larger in ``race`` (9,000 t a year of Nd and Pr oxide from
    February 2026) is demand on the market outside China: while it fills, the price of Nd oxide
    there stays within 5% of the run with the stockpile as shipped, where a stock that counted as
    market stock would read as a glut and push it down by a quarter by mid-2028."""
    race = resolve("race", DS)
    outs = [_run(scaled_stockpiles(race, f)) for f in (1.0, 10.0)]
    months = list(compile_scenario(race, DS, BASE).months)
    nd = BASE.dims.element("Nd")
    for month in ("2026-12", "2027-06", "2028-06"):
        t = months.index(month)
        small, large = (float(o.price[0, t, OXIDE, 1, nd]) for o in outs)
        assert large > 0.95 * small, month


def _embargoed_oxide(stockpile: bool) -> Scenario:
    """China and Malaysia (Lynas) stop oxide exports from March 2025; Korea holds 2,000 t of oxide."""
    embargo = tuple(
        ExportControl(exporter=exporter, materials=("oxide",), start="2025-03", approval_share=0.0)
        for exporter in ("CHN", "MYS")
    )
    pile = Stockpile(holder="KOR", material="oxide", target=2_000.0, purchase_per_yr=0.0, start="2025-01",
                     initial=2_000.0, release_shortfall=0.01)  # fmt: skip
    return Scenario(
        "oxide-embargo", start="2025-01", months=12, instruments=(*embargo, pile) if stockpile else embargo
    )


def test_an_oxide_stockpile_feeds_the_metal_makers() -> None:
    """China and Lynas stop oxide exports: Korea's oxide stockpile is released to Korea's metal
    makers as well as its final users of oxide, and the metal makers' input met (oxide consumed)
    is higher than without it, and the stockpile shrinks. Under China's embargo alone the other
    separators outside China keep Korea's small metal stage (the 589 t of metal in ASM's alloy)
    fed, so it needs no stockpile."""
    without, holding = _run(_embargoed_oxide(False)), _run(_embargoed_oxide(True))
    fed_without = without.feed[0, :, OXIDE, KOR].sum()
    fed_with = holding.feed[0, :, OXIDE, KOR].sum()
    assert fed_with > fed_without * 1.05
    assert holding.stockpile[0, -1, OXIDE, KOR].sum() < 2_000.0 - 1.0


def test_stockpiles_do_not_buy_in_a_short_market() -> None:
    """Buying 12,000 t a year towards a large target, a US oxide stockpile stops buying once China's
    embargo leaves the outside market short."""
    embargo = ExportControl(exporter="CHN", materials=("oxide", "metal", "magnet"), start="2025-04",
                            approval_share=0.0)  # fmt: skip
    pile = Stockpile(
        holder="USA",
        material="oxide",
        target=50_000.0,
        purchase_per_yr=12_000.0,
        start="2025-01",
        initial=0.0,
        release_shortfall=1.0,
    )  # never releases: only buying is tested
    out = _run(Scenario("buying", start="2025-01", months=12, instruments=(embargo, pile)))
    bought = np.diff(out.stockpile[0, :, OXIDE, USA].sum(axis=1), prepend=0.0)  # t a month
    # Until the embargo it buys what its orders bring in above the working stock (the first month's
    # arrive a month later): most of the rate.
    assert bought[0] < 1.0 and bought[1] > 999.0 and bought[:4].sum() > 2_000.0
    # Once the embargo leaves the outside market short, purchases all but stop (they go on only
    # for the few elements whose market is not short).
    assert bought[5:].max() < 0.05 * 1_000.0


# --- releases to allies, on a schedule, at a sale price, of defence holdings ---------------------

JPN = BASE.dims.node("JPN")
MAGNET = 3
DY_TB = [BASE.dims.element("Dy"), BASE.dims.element("Tb")]
#: China stops oxide, metal and magnet exports to the USA only (from March 2025).
US_EMBARGO = ExportControl(exporter="CHN", materials=("oxide", "metal", "magnet"), start="2025-03",
                           approval_share=0.0, destinations=("USA",))  # fmt: skip


def _japan_dy_tb(**rules: object) -> Stockpile:
    """Japan's 300 t stockpile of Dy/Tb (in magnets, the form the US lacks), releasing at 2%."""
    return Stockpile(
        holder="JPN",
        material="magnet",
        target=300.0,
        purchase_per_yr=0.0,
        start="2025-01",
        elements=("Dy", "Tb"),
        initial=300.0,
        release_shortfall=0.02,
        **rules,
    )  # type: ignore[arg-type]


def _embargo_with(*instruments: object, months: int = 12) -> Outputs:
    return _run(
        Scenario("us-embargo", start="2025-01", months=months, instruments=(US_EMBARGO, *instruments))
    )  # type: ignore[arg-type]


def test_a_stockpile_releases_to_a_short_ally() -> None:
    """China embargoes the USA only; the US misses about two thirds of its Dy/Tb magnets, Japan
    none. Without ``release_to`` Japan's stockpile never moves; with ``release_to: [USA]`` it
    releases to the US: US unmet Dy/Tb falls by about what was released (demand answers the lower
    price a little), and Japan's stock falls by exactly what the US received."""
    alone, allied = _embargo_with(_japan_dy_tb()), _embargo_with(_japan_dy_tb(release_to=("USA",)))
    assert np.allclose(alone.stockpile[0, :, MAGNET, JPN].sum(axis=1), 300.0)
    unmet = [float(o.unmet[0, :, MAGNET, USA][:, DY_TB].sum()) for o in (alone, allied)]
    released = allied.released[0, :, MAGNET, USA][:, DY_TB].sum()
    assert unmet[0] > 40.0  # about 4 t a month from May
    assert 40.0 < released < 300.0
    assert abs((unmet[0] - unmet[1]) - released) < 0.05 * released
    drawn = 300.0 - allied.stockpile[0, -1, MAGNET, JPN].sum()
    assert abs(drawn - released) < 1e-9 * 300.0
    assert allied.released[0, :, :, JPN].sum() == 0.0  # Japan was not short: nothing to itself


def test_allies_draw_the_stock_down_to_the_reserve_only() -> None:
    """With ``release_to_share: 0.1`` allies may draw 10% of the 300 t: the stock stops at 270 t
    while the US is still short."""
    out = _embargo_with(_japan_dy_tb(release_to=("USA",), release_to_share=0.1), months=36)
    stock = out.stockpile[0, :, MAGNET, JPN].sum(axis=1)
    assert abs(stock[-1] - 270.0) < 1e-6 and stock.min() >= 270.0 - 1e-6
    assert out.unmet[0, -1, MAGNET, USA][DY_TB].sum() > 1.0


def test_a_sale_price_holds_releases_back_until_the_market_reaches_it() -> None:
    """A sale price above any price the run reaches stops the release; one at the base price
    lets it go as if there were none."""
    base = float(BASE.prices[MAGNET, DY_TB].max())
    high = _embargo_with(_japan_dy_tb(release_to=("USA",), sale_price=100 * base))
    low = _embargo_with(_japan_dy_tb(release_to=("USA",), sale_price=0.5 * BASE.prices[MAGNET, DY_TB].min()))
    free = _embargo_with(_japan_dy_tb(release_to=("USA",)))
    assert high.released.sum() == 0.0 and np.allclose(high.stockpile[0, :, MAGNET, JPN].sum(axis=1), 300.0)
    assert np.array_equal(low.released, free.released)


def test_a_defence_holding_serves_only_defence_users() -> None:
    """A US defence holding of magnets releases, while it lasts and in the months the US is short
    enough for a release (more than its 2% threshold of magnet use unmet), exactly the defence
    share of what US final magnet users lack (released = share x (unmet + released)), far less
    than a holding that serves every user."""
    pile = Stockpile(holder="USA", material="magnet", target=500.0, purchase_per_yr=0.0, start="2025-01",
                     initial=500.0, release_shortfall=0.02, defence=True)  # fmt: skip
    defence, everyone = _embargo_with(pile), _embargo_with(replace(pile, defence=False))
    share = float(BASE.defence_share[USA])
    got = defence.released[0, :, MAGNET, USA]  # [T, E]
    lacked = defence.unmet[0, :, MAGNET, USA] + got
    assert got.sum() > 1.0 and defence.stockpile[0, -1, MAGNET, USA].sum() > 0.0
    wanted = defence.demand[0, :, MAGNET, USA].sum(axis=1)
    releasing = lacked.sum(axis=1) > 0.02 * wanted
    assert releasing.sum() >= 6 and (got[~releasing] == 0.0).all()
    assert np.allclose(got[releasing], share * lacked[releasing], atol=1e-9)
    assert got.sum() < 0.1 * everyone.released[0, :, MAGNET, USA].sum()


def test_a_scheduled_release_joins_the_holders_supply() -> None:
    """A scheduled release of 100 t of La/Ce oxide in March 2026 from a US stockpile (which
    never releases for a shortage here): the stock is 100 t lower from that month, the release
    shows at the US that month, and the US, which the embargo leaves short of La/Ce oxide by then,
    uses 100 t more of it that month."""
    pile = Stockpile(holder="USA", material="oxide", target=1_000.0, purchase_per_yr=0.0, start="2025-01",
                     elements=("La", "Ce"), initial=1_000.0, release_shortfall=1.0)  # fmt: skip
    sold = replace(pile, scheduled=(("2026-03", 100.0),))
    kept, out = _embargo_with(pile, months=15), _embargo_with(sold, months=15)
    march = 14
    stock = out.stockpile[0, :, OXIDE, USA].sum(axis=1)
    assert np.allclose(stock[:march], 1_000.0) and np.allclose(stock[march:], 900.0)
    assert abs(out.released[0, march, OXIDE, USA].sum() - 100.0) < 1e-9
    assert out.released[0].sum() == out.released[0, march, OXIDE, USA].sum()
    assert kept.unmet[0, march, OXIDE, USA][:2].sum() > 100.0  # La and Ce

    def used(o: Outputs) -> float:
        return float((o.consumption + o.feed)[0, march, OXIDE, USA].sum())

    assert abs((used(out) - used(kept)) - 100.0) < 1.0


def test_a_scheduled_release_is_a_sale_not_bought_back() -> None:
    """A stockpile at its 1,000 t target that could buy 1,200 t a year sells 100 t in April: its
    target falls with the sale, so it holds 900 t from then on instead of buying the tonnes back."""
    pile = Stockpile(holder="USA", material="oxide", target=1_000.0, purchase_per_yr=1_200.0, start="2025-01",
                     elements=("Nd", "Pr"), initial=1_000.0, scheduled=(("2025-04", 100.0),))  # fmt: skip
    out = _run(Scenario("sale", start="2025-01", months=8, instruments=(pile,)))
    stock = out.stockpile[0, :, OXIDE, USA].sum(axis=1)
    assert np.allclose(stock[:3], 1_000.0) and np.allclose(stock[3:], 900.0)


def test_stock_drawn_equals_what_holders_and_allies_received() -> None:
    """Conservation with every kind of release at once (own shortage releases, releases to
    allies, a scheduled release; no purchases): each month the stockpiles' total decrease equals
    the total released to holders and allies, and the world's supply and uses balance."""
    piles = (
        _japan_dy_tb(release_to=("USA", "eu"), release_to_share=0.6),
        Stockpile(holder="USA", material="magnet", target=50.0, purchase_per_yr=0.0, start="2025-01",
                  initial=50.0, release_shortfall=0.05),
        Stockpile(holder="KOR", material="oxide", target=800.0, purchase_per_yr=0.0, start="2025-01",
                  initial=800.0, release_to=("USA",), scheduled=(("2025-09", 150.0),)),
    )  # fmt: skip
    inputs = compile_scenario(
        Scenario("all", start="2025-01", months=12, instruments=(US_EMBARGO, *piles)), DS, BASE
    )
    out = run_reference(inputs)
    before = np.concatenate([inputs.stockpiles.initial_stock(4, *out.stockpile.shape[3:])[:1, None],
                             out.stockpile[:, :-1]], axis=1)  # fmt: skip
    drawn = (before - out.stockpile).sum(axis=(2, 3, 4))  # [R, T]
    received = out.released.sum(axis=(2, 3, 4))
    assert received[0].sum() > 300.0  # every kind of release happened
    assert np.abs(drawn - received).max() <= 1e-9 * 1_000.0
    # The stocks' own users at each holder, and the allies, got the rest of the world's balance.
    inv0 = inputs.params["working_stock_months"][0] * (BASE.feed + BASE.final)[None]
    prev_inv = np.concatenate([inv0[:, None], out.inventory[:, :-1]], axis=1)
    prev_transit = np.concatenate([np.zeros_like(out.transit[:, :1]), out.transit[:, :-1]], axis=1)
    supply = out.production + (prev_inv - out.inventory) + (before - out.stockpile)
    uses = out.consumption + out.feed + (out.transit - prev_transit)
    world = (supply - uses).sum(axis=3)[:, 1:]  # every month after the first (transit at start)
    assert np.abs(world).max() <= 1e-9 * float(np.abs(supply).max())


def _doc_examples() -> list[str]:
    """The scenario files of the stockpile section of docs/scenarios.md."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "scenarios.md").read_text(encoding="utf-8")
    section = text.split("## Strategic stockpiles", 1)[1].split("\n## ", 1)[0]
    return [block.split("```", 1)[0] for block in section.split("```yaml\n")[1:]]


def test_the_documented_examples_run_as_described() -> None:
    """The two scenario files of docs/scenarios.md's stockpile section validate and run: Japan
    releases to the embargoed US down to its 150 t reserve at most, and China's reserve sells
    500 t in June and in December 2025."""
    allies, sales = (resolve(load_text(t, "example.yaml", DS), DS) for t in _doc_examples())
    out = _run(allies)
    assert out.released[0, :, MAGNET, USA].sum() > 10.0
    japan = out.stockpile[0, :, MAGNET, JPN].sum(axis=1)
    assert japan[-1] < 300.0 - 10.0 and japan.min() >= 150.0 - 1e-6
    stock = _run(sales).stockpile[0, :, OXIDE, BASE.dims.node("CHN")].sum(axis=1)
    assert np.allclose(stock[[4, 5, 10, 11]], [10_000.0, 9_500.0, 9_500.0, 9_000.0])


# --- bad input -----------------------------------------------------------------------------------

PILE = """name: t
start: 2025-01
horizon: 2026-12
instruments:
  - kind: stockpile
    holder: JPN
    material: magnet
    target_t: 300
    purchase_t_per_yr: 0
    start: 2025-01
"""


def _problems(text: str) -> list[Problem]:
    with pytest.raises(InputError) as info:
        resolve(load_text(text, "pile.yaml", DS), DS)
    return info.value.problems


@pytest.mark.parametrize(
    ("lines", "line", "field", "message", "hint"),
    [
        ("    scheduled: [{month: 2027-01, tonnes: 10}]\n", 11, "instruments[0].scheduled[0].month",
         "scheduled month 2027-01 is outside the scenario (2025-01 to 2026-12)", "from the scenario's start"),
        ("    scheduled: [{month: 2026-01, tonnes: -10}]\n", 11, "instruments[0].scheduled[0].tonnes",
         "value must be at least 0", "at least 0"),
        ("    scheduled:\n      - {month: 2026-03, tonnes: 10}\n      - {month: 2026-01, tonnes: 10}\n", 5,
         "instruments[0]", "scheduled release in 2026-01 follows one in 2026-03", "by month"),
        ("    scheduled:\n      - {month: 2026-03, tonnes: 10}\n      - {month: 2026-03-15, tonnes: 5}\n", 5,
         "instruments[0]", "follows one in 2026-03", "add up two releases of the same month"),
        ("    release_to: [USA, eu]\n    release_to_share: 1.5\n", 12, "instruments[0].release_to_share",
         "value must be between 0 and 1", "between 0 and 1"),
        ("    release_to: [USA, euu]\n", 11, "instruments[0].release_to[1]", "unknown country or bloc 'euu'",
         "did you mean 'eu'?"),
    ],
)  # fmt: skip
def test_bad_release_rules_name_line_field_and_hint(lines: str, line: int, field: str, message: str,
                                                    hint: str) -> None:  # fmt: skip
    (p,) = _problems(PILE + lines)
    assert (p.line, p.field) == (line, field), p
    assert message in p.message and hint in p.hint, p


def test_stockpiles_of_one_stock_must_share_their_release_rules() -> None:
    """Two Japanese magnet stockpiles are one stock: the second may not name other allies."""
    second = PILE.split("instruments:\n", 1)[1].replace("target_t: 300", "target_t: 50")
    (p,) = _problems(PILE + "    release_to: [USA]\n" + second + "    release_to: [KOR]\n")
    assert (p.line, p.field) == (18, "instruments[1].release_to"), p
    assert "differs from that of instruments[0]" in p.message and "held as one stock" in p.message
    assert "same release_to" in p.hint


def test_engine_stockpiles_of_one_stock_with_other_rules_are_bad_input() -> None:
    """The same check for engine scenarios built in Python: an InputError naming the field."""
    piles = (_japan_dy_tb(release_to=("USA",)), _japan_dy_tb(release_to=("USA",), defence=True))
    with pytest.raises(InputError) as info:
        compile_scenario(Scenario("two", start="2025-01", months=2, instruments=piles), DS, BASE)
    (p,) = info.value.problems
    assert p.field == "release_to" and "held as one stock" in p.message and "defence" in p.hint
