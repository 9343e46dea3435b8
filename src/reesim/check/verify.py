"""Check claims against the dataset: supported, partly supported, contradicted (with the dataset's
figure and source) or not covered.

- Shares of mining, separation (processing) and magnet making are China's shares of world
  output: mining from USGS mine production (2024, MCS 2026); separation and magnets from the
  calibrated base year built on the ``stage_capacity`` table. A claim holds when it agrees with
  its qualifier: "over x" needs the figure at or above x less 2 points, "about x" within 5 points,
  a plain x within 5 points, "under x" at or below x plus 2 points. A share of a year before the
  data (an article of 2010) is not covered.
- Dated events: :mod:`reesim.check.records` (who is named, effective months, agreed suspensions).
- Money must appear (within 1%) in an event of the article's period; tonnages of China's magnet
  exports in a year must be within 5% of ``china_exports``; a country's mine production in a year
  within 5% of ``mine_production``; reserves within 10% of ``reserves`` (a resource estimate,
  "蕴藏" or "deposits", is not covered: USGS reserves are no resources); other tonnages (quotas,
  a plant's output) must appear in an event's text (within 1%).
- Price changes with an element and a period are checked against ``price_moves``
  (:mod:`reesim.check.price_moves`), changes in magnet exports of a named month against
  ``china_exports`` (:mod:`reesim.check.export_moves`). Changes of an export quota must appear
  in a quota record's text (within a point, or at least the figure for "more than"); price
  floors must name the record's level; a producer's place in the ranking of mine production must
  be its place in ``mine_production``, a country's place in reserves its place in the ``reserves``
  edition in print in the claim's year. An undated event the article dates by its own month,
  with no record that month, takes the month of a record of the three months before that fits
  what it names (the article reports a measure of the weeks before it).
- Durations of stocks are not covered by data: the model's working stock is an assumption
  (``working_stock_months``), said in the note.
"""

from __future__ import annotations

from dataclasses import replace

from reesim.check.claim import Claim, Verdict
from reesim.check.dates import ArticleDate, mentions
from reesim.check.export_moves import export_periods
from reesim.check.record_dates import (
    date_agreed_suspension,
    date_founding,
    date_suspension,
    judge_event,
    judge_membership,
    recent_record,
)
from reesim.check.records import (
    CONTRADICTED,
    NOT_COVERED,
    PARTLY,
    SUPPORTED,
    Record,
    date_claim,
    infer_date,
    records,
)  # fmt: skip
from reesim.check.tonnages import _mine_growth, _quantity, _rank
from reesim.dataset.model import Dataset
from reesim.model.baseline import Baseline

__all__ = ["CONTRADICTED", "NOT_COVERED", "PARTLY", "SUPPORTED", "Verdict", "china_shares", "verify"]

#: First year the stage shares describe: older claims are not covered.
FIRST_DATA_YEAR = 2020


def china_shares(ds: Dataset, base: Baseline) -> dict[str, tuple[float, str]]:
    """China's share of world output by stage, with the sources behind each (and the share and
    country of the second producer of mine production, under ``runner-up``)."""
    from reesim.dataset.summary import china_share_of_mining
    from reesim.model.dims import MAGNET, OXIDE

    china = base.dims.node("CHN")
    sep = float(base.production[OXIDE, china].sum() / base.production[OXIDE].sum())
    mag = float(base.production[MAGNET, china].sum() / base.production[MAGNET].sum())
    caps = ds["stage_capacity"]
    ids = ";".join(
        sorted({s for ids in caps.loc[caps["iso3"] == "CHN", "source_id"] for s in str(ids).split(";")})[:4]
    )
    mp = ds["mine_production"]
    rows = mp[(mp["year"] == 2024) & (mp["edition"] == "MCS2026")]
    world = float(rows.loc[rows["iso3"] == "WLD", "quantity"].iloc[0])
    second = rows[~rows["iso3"].isin(["WLD", "OTH"])].sort_values("quantity", ascending=False).iloc[1]
    return {
        "runner-up": (float(second["quantity"]) / world, str(second["iso3"])),
        "mining": (china_share_of_mining(ds), "mine_production 2024 (usgs_mcs2026)"),
        "separation": (sep, f"reesim base year from stage_capacity ({ids})"),
        "magnets": (mag, f"reesim base year from stage_capacity ({ids})"),
    }


def _mine_share(claim: Claim, ds: Dataset) -> Verdict | None:
    """A country's share of world mine production in a year the table has: another producer's
    ("美国...占比14.3%"), or China's in a year before the base year (2022: 70%)."""
    others = [p for p in claim.places if p != "CHN"]
    where = others[0] if len(others) == 1 and claim.places == others else "CHN"
    if claim.stage != "mining" or claim.year is None or (where == "CHN" and claim.year >= 2024):
        return None
    t = ds["mine_production"]
    rows = t[t["year"] == claim.year]
    rows = rows[rows["edition"] == rows["edition"].max()] if not rows.empty else rows
    world, mine = rows[rows["iso3"] == "WLD"], rows[rows["iso3"] == where]
    if world.empty or mine.empty:
        return None if where == "CHN" else Verdict(claim, NOT_COVERED, f"no mine production of {where}", "")
    actual = float(mine["quantity"].iloc[0]) / float(world["quantity"].iloc[0])
    x = float(claim.value)
    ok = {"over": actual >= x - 0.02, "under": actual <= x + 0.02}.get(
        claim.qualifier, abs(actual - x) <= 0.05
    )
    figure = f"{where}'s share of world mine production {claim.year}: {actual:.1%}"
    source = f"mine_production {claim.year} ({mine['source_id'].iloc[0]})"
    return Verdict(claim, SUPPORTED if ok else CONTRADICTED, figure, source)


def _share(claim: Claim, shares: dict[str, tuple[float, str]], ds: Dataset) -> Verdict:
    if claim.topic == "second":
        return _runner_up(claim, shares)
    yearly = _mine_share(claim, ds)
    if yearly is not None:
        return yearly
    if claim.stage not in shares or (claim.places and "CHN" not in claim.places):
        return Verdict(claim, NOT_COVERED, "", "")
    if claim.year is not None and claim.year < FIRST_DATA_YEAR:
        return Verdict(claim, NOT_COVERED, f"no figure for {claim.year}: the dataset starts in 2023", "")
    actual, source = shares[claim.stage]
    x = float(claim.value)
    ok = {"over": actual >= x - 0.02, "under": actual <= x + 0.02}.get(
        claim.qualifier, abs(actual - x) <= 0.05
    )
    if claim.upper is not None:  # a range: the figure within it, 2 points either side
        ok = x - 0.02 <= actual <= claim.upper + 0.02
    figure = f"China's share of world {claim.stage}: {actual:.0%}"
    return Verdict(claim, SUPPORTED if ok else CONTRADICTED, figure, source)


def _runner_up(claim: Claim, shares: dict[str, tuple[float, str]]) -> Verdict:
    """The second producer's share of world mine production (2024, MCS 2026): "single digits" or
    "under x" must be below x."""
    actual, second = shares["runner-up"]
    x = float(claim.value)
    ok = actual < x if claim.qualifier == "under" else abs(actual - x) <= 0.05
    figure = f"second producer {second}: {actual:.0%} of world mine production 2024 (MCS2026)"
    return Verdict(claim, SUPPORTED if ok else CONTRADICTED, figure, "mine_production 2024 (usgs_mcs2026)")


def _money(claim: Claim, rows: list[Record]) -> Verdict:
    """The event that mentions the amount, preferring one of the same kind naming the same places."""
    best: tuple[int, Record] | None = None
    for r in rows:
        for amount in r.amounts:
            if abs(amount - float(claim.value)) > 0.01 * amount:
                continue
            score = int(2 * (r.kind == claim.event) + sum(p in r.parties for p in claim.places))
            if best is None or score > best[0]:
                best = (score, r)
    if best is None:
        return Verdict(claim, NOT_COVERED, "", "")
    return Verdict(claim, SUPPORTED, best[1].figure, best[1].source)


def _change(claim: Claim, rows: list[Record], ds: Dataset, month: str) -> Verdict:
    from reesim.check.export_moves import export_change

    moved = export_change(claim, ds)
    if moved is not None:
        return Verdict(claim, *moved)
    if claim.stage == "mining" and claim.topic == "mining" and claim.year is not None:
        grown = _mine_growth(claim, ds)
        if grown is not None:
            return grown
    if claim.topic == "price":
        from reesim.check.price_moves import price_change

        found = price_change(claim, ds, month)
        if found is not None:
            return Verdict(claim, *found)
    if claim.topic != "export_quota":
        return Verdict(claim, NOT_COVERED, f"no series of {claim.topic or claim.stage} to compare", "")
    x = abs(float(claim.value))
    quota = [r for r in rows if r.kind == "export_quota"]
    for r in quota:
        for p in r.percents:
            if abs(p - x) <= 0.01 or (claim.qualifier == "over" and x - 0.005 <= p <= x + 0.02):
                return Verdict(claim, SUPPORTED, r.figure, r.source)
    return Verdict(claim, NOT_COVERED, "", "")


def _price(claim: Claim, rows: list[Record], ds: Dataset, month: str) -> Verdict:
    if claim.event != "price_floor":
        from reesim.check.price_moves import price_level

        level = price_level(claim, ds, month)
        if level is not None:
            return Verdict(claim, *level)
    floors = [r for r in rows if r.kind == "price_floor" and r.per_kg]
    if claim.event != "price_floor" or not floors:
        return Verdict(claim, NOT_COVERED, "", "")
    same = [r for r in floors if any(abs(p - float(claim.value)) <= 0.01 * p for p in r.per_kg)]
    if same:
        return Verdict(claim, SUPPORTED, same[0].figure, same[0].source)
    return Verdict(claim, CONTRADICTED, floors[-1].figure, floors[-1].source)


def verify(
    claims: list[Claim], ds: Dataset, base: Baseline, article: ArticleDate | None = None
) -> list[Verdict]:
    """A verdict for every claim. Event claims without a date get one (the article's, or that of
    the record they name); claims without a year take the article's, inferred from those records
    when the article gives none. Claims that say the same thing are judged once: an article
    repeats itself, and a long text may make the same claim thousands of times."""
    shares = china_shares(ds, base)
    rows = records(ds)
    when = infer_date(claims, rows, article or ArticleDate(), export_periods(ds))
    judged: dict[tuple[object, ...], Verdict] = {}
    out = []
    dated = [
        raw if raw.value and not raw.implied else date_agreed_suspension(_by_article(raw, rows, when), rows)
        for raw in claims
    ]
    blocs = [(str(r.bloc), str(r.iso3), str(r.joined) if str(r.joined) != "nan" else "", str(r.source_id))
             for r in ds["blocs"].itertuples(index=False)]  # fmt: skip
    for raw in dated:
        claim = date_founding(recent_record(date_suspension(raw, dated, rows), rows), blocs)
        if claim.kind == "event" and not claim.value:
            continue  # a measure or deal that neither the article nor the dataset dates is no claim
        if claim.year is None and not when.year and when.named_years and claim.kind == "share":
            claim = replace(claim, year=max(when.named_years))  # an undated article: the latest year it names
        if (
            claim.year is None
            and when.year
            and claim.kind in {"share", "quantity", "change", "rank", "price"}
        ):
            # a month more than a month after the article's is of the year before ("12月" in January)
            later = bool(claim.month and when.month and claim.month > when.month + 1)
            year = when.year - later - _last_year(claim)
            whole = claim.series and not claim.month and not claim.run and _last_year(claim)
            claim = replace(claim, year=year, period_year=year if whole else claim.period_year)
        key = (claim.kind, claim.value, claim.unit, claim.qualifier, tuple(claim.places),
               tuple(claim.elements), claim.stage, claim.event, claim.year, claim.topic, tuple(claim.names),
               claim.until, tuple(claim.destinations),
               claim.sentence if claim.kind == "event" else "")  # fmt: skip
        if key not in judged:
            judged[key] = _judge(claim, ds, shares, rows, when.month_text())
        done = judged[key]
        out.append(Verdict(claim, done.verdict, done.figure, done.source))
    return out


def _last_year(claim: Claim) -> int:
    """1 when a figure with no month of its own is of the year before the article's ("The world's
    top producer last year shipped out a total of 62,585 metric tons", "去年全年"), else 0."""
    if claim.month or not claim.series:
        return 0
    return int(any(m.shift == -1 and m.month is None and m.day is None for m in mentions(claim.sentence)))


def _by_article(raw: Claim, rows: list[Record], when: ArticleDate) -> Claim:
    """An undated event claim dated (:func:`date_claim`); one given the article's month, like a claim
    dated by a dateline's month, may take a record of the weeks before (:func:`recent_record`)."""
    claim = date_claim(raw, rows, when)
    if raw.kind == "event" and not raw.value and claim.value and claim.value == when.month_text():
        return replace(claim, implied=True)
    return claim


def _judge(
    claim: Claim, ds: Dataset, shares: dict[str, tuple[float, str]], rows: list[Record], month: str
) -> Verdict:
    if claim.kind == "share":
        return _share(claim, shares, ds)
    if claim.kind == "event":
        blocs = [(str(r.bloc), str(r.iso3), str(r.joined) if str(r.joined) != "nan" else "", str(r.source_id))
                 for r in ds["blocs"].itertuples(index=False)]  # fmt: skip
        member = judge_membership(claim, blocs) if claim.event == "alliance" else None
        return Verdict(claim, *(member or judge_event(claim, rows)))
    if claim.kind == "money":
        return _money(claim, rows)
    if claim.kind == "quantity":
        return _quantity(claim, ds, rows)
    if claim.kind == "change":
        return _change(claim, rows, ds, month)
    if claim.kind == "price":
        return _price(claim, rows, ds, month)
    if claim.kind == "rank":
        return _rank(claim, ds)
    months = ds.parameter("working_stock_months")
    note = f"not in the data; the model assumes working stocks of {months:g} months"
    return Verdict(claim, NOT_COVERED, note, "parameters.csv (working_stock_months)")
