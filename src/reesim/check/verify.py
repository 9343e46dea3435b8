"""Check claims against the dataset: supported, contradicted (with the dataset's figure and
source) or not covered.

- Shares of mining, separation (processing) and magnet making are China's shares of world
  output: mining from USGS mine production (2024, MCS 2026); separation and magnets from the
  calibrated base year built on the ``stage_capacity`` table. A claim holds when it agrees with
  its qualifier: "over x" needs the figure at or above x less 2 points, "about x" within 5 points,
  a plain x within 5 points, "under x" at or below x plus 2 points.
- Dated events must match an ``events`` row of the same kind in the same month (and, if the claim
  names elements, one that names at least one of them); the same kind and elements in another
  month contradicts the claim.
- Money must appear (within 1%) in an event of the article's period; quantities of China's
  magnet exports in a year must be within 5% of ``china_exports``.
- Durations of stocks are not covered by data: the model's working stock is an assumption
  (``working_stock_months``), said in the note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from reesim.check.extract import Claim
from reesim.dataset.model import Dataset
from reesim.model.baseline import Baseline

SUPPORTED, CONTRADICTED, NOT_COVERED = "supported", "contradicted", "not covered"


@dataclass(frozen=True)
class Verdict:
    """The verdict on one claim, with the dataset's figure and where it comes from."""

    claim: Claim
    verdict: str
    figure: str
    source: str


def china_shares(ds: Dataset, base: Baseline) -> dict[str, tuple[float, str]]:
    """China's share of world output by stage, with the sources behind each."""
    from reesim.dataset.summary import china_share_of_mining
    from reesim.model.dims import MAGNET, OXIDE

    china = base.dims.node("CHN")
    sep = float(base.production[OXIDE, china].sum() / base.production[OXIDE].sum())
    mag = float(base.production[MAGNET, china].sum() / base.production[MAGNET].sum())
    caps = ds["stage_capacity"]
    ids = ";".join(
        sorted({s for ids in caps.loc[caps["iso3"] == "CHN", "source_id"] for s in str(ids).split(";")})[:4]
    )
    return {
        "mining": (china_share_of_mining(ds), "mine_production 2024 (usgs_mcs2026)"),
        "separation": (sep, f"reesim base year from stage_capacity ({ids})"),
        "magnets": (mag, f"reesim base year from stage_capacity ({ids})"),
    }


def _share(claim: Claim, shares: dict[str, tuple[float, str]]) -> Verdict:
    if claim.stage not in shares or (claim.places and "CHN" not in claim.places):
        return Verdict(claim, NOT_COVERED, "", "")
    actual, source = shares[claim.stage]
    x = float(claim.value)
    ok = {
        "over": actual >= x - 0.02,
        "under": actual <= x + 0.02,
    }.get(claim.qualifier, abs(actual - x) <= 0.05)
    figure = f"China's share of world {claim.stage}: {actual:.0%}"
    return Verdict(claim, SUPPORTED if ok else CONTRADICTED, figure, source)


@dataclass(frozen=True)
class _Event:
    """One row of the ``events`` table, as the checks read it."""

    kind: str
    month: str
    elements: frozenset[str]
    figure: str
    source: str
    parties: str
    amounts: tuple[float, ...]


_AMOUNT = re.compile(r"\$\s?(\d+(?:\.\d+)?)\s*(billion|million)", re.I)


def _events(ds: Dataset) -> list[_Event]:
    """The events table read once for all the claims of an article."""
    out = []
    for row in ds["events"].itertuples(index=False):
        amounts = tuple(
            float(m.group(1)) * (1e9 if m.group(2).lower() == "billion" else 1e6)
            for m in _AMOUNT.finditer(str(row.what))
        )
        have = frozenset(e for e in str(row.elements).split(";") if e and e != "nan")
        figure, parties = f"{row.date}: {row.what}", f"{row.actor};{row.targets}"
        out.append(
            _Event(str(row.kind), str(row.date)[:7], have, figure, str(row.source_id), parties, amounts)
        )
    return out


def _event(claim: Claim, events: list[_Event]) -> Verdict:
    kinds = {claim.event} | ({"suspension"} if claim.event == "suspension" else set())
    rows = [e for e in events if e.kind in kinds]
    named = set(claim.elements)
    same = [e for e in rows if e.month == claim.value and (not named or not e.elements or named & e.elements)]
    if same:
        return Verdict(claim, SUPPORTED, same[0].figure, same[0].source)
    if named:
        other = [e for e in rows if named & e.elements]
        if other:
            return Verdict(claim, CONTRADICTED, other[0].figure, other[0].source)
    return Verdict(claim, NOT_COVERED, "", "")


def _money(claim: Claim, events: list[_Event]) -> Verdict:
    """The event that mentions the amount, preferring one of the same kind naming the same places."""
    best: tuple[int, _Event] | None = None
    for event in events:
        for amount in event.amounts:
            if abs(amount - float(claim.value)) > 0.01 * amount:
                continue
            score = int(2 * (event.kind == claim.event) + sum(p in event.parties for p in claim.places))
            if best is None or score > best[0]:
                best = (score, event)
    if best is None:
        return Verdict(claim, NOT_COVERED, "", "")
    return Verdict(claim, SUPPORTED, best[1].figure, best[1].source)


def _quantity(claim: Claim, ds: Dataset) -> Verdict:
    if claim.stage != "magnets" or claim.year is None:
        return Verdict(claim, NOT_COVERED, "", "")
    table = ds["china_exports"]
    rows = table[(table["product"] == "magnet") & (table["destination"] == "WLD") & (table["unit"] == "t")
                 & (table["period"].astype(str) == str(claim.year))]  # fmt: skip
    if rows.empty:
        return Verdict(claim, NOT_COVERED, "", "")
    actual = float(rows["quantity"].iloc[0])
    ok = abs(actual - float(claim.value)) <= 0.05 * actual
    figure = f"China's magnet exports in {claim.year}: {actual:,.0f} t"
    return Verdict(claim, SUPPORTED if ok else CONTRADICTED, figure, str(rows["source_id"].iloc[0]))


def verify(claims: list[Claim], ds: Dataset, base: Baseline) -> list[Verdict]:
    """A verdict for every claim. Claims that say the same thing are judged once: an article
    repeats itself, and a long text may make the same claim thousands of times."""
    shares = china_shares(ds, base)
    events = _events(ds)
    judged: dict[tuple[object, ...], Verdict] = {}
    out = []
    for claim in claims:
        key = (claim.kind, claim.value, claim.unit, claim.qualifier, tuple(claim.places),
               tuple(claim.elements), claim.stage, claim.event, claim.year)  # fmt: skip
        if key not in judged:
            judged[key] = _judge(claim, ds, shares, events)
        done = judged[key]
        out.append(Verdict(claim, done.verdict, done.figure, done.source))
    return out


def _judge(claim: Claim, ds: Dataset, shares: dict[str, tuple[float, str]], events: list[_Event]) -> Verdict:
    if claim.kind == "share":
        return _share(claim, shares)
    if claim.kind == "event":
        return _event(claim, events)
    if claim.kind == "money":
        return _money(claim, events)
    if claim.kind == "quantity":
        return _quantity(claim, ds)
    months = ds.parameter("working_stock_months")
    note = f"not in the data; the model assumes working stocks of {months:g} months"
    return Verdict(claim, NOT_COVERED, note, "parameters.csv (working_stock_months)")
