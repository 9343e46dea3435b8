"""Verdicts on tonnages and ranks: a country's (or the world's) mine production of a year and its
change over the year before (``mine_production``, latest edition), reserves of the edition in print
in the claim's year (``reserves``; an undated article: any edition that prints the figure), quota
tonnages to the tonne (a year's quota is its two halves), and places in a ranking of producers or
of reserves. A bound ("不足2万吨", "more than 40,000 tonnes") holds on its side of the figure.
"""

from __future__ import annotations

from reesim.check import lexicon as lx
from reesim.check.claim import Claim, Verdict, derive
from reesim.check.records import CONTRADICTED, NOT_COVERED, SUPPORTED, Record, quota_tonnes
from reesim.dataset.model import Dataset


def _table_row(ds: Dataset, table: str, iso3: str, year: int | None) -> tuple[float, str, int] | None:
    """Quantity, source and year of a country's row in mine_production or reserves (latest edition)."""
    t = ds[table]
    rows = t[t["iso3"] == iso3]
    if year is not None and table == "mine_production":
        rows = rows[rows["year"] == year]
    if year is not None and table == "reserves":  # the edition in print that year: the year before's
        last = next((y for y in (year - 1, year) if (rows["year"] <= y).any()), None)
        rows = rows[rows["year"] <= last] if last is not None else rows.iloc[0:0]  # none in print then
    if rows.empty:
        return None
    row = rows.sort_values(["year", "edition"]).iloc[-1]
    return float(row["quantity"]), f"{table} {row['year']} ({row['source_id']})", int(row["year"])


def _within(found: float, x: float, slack: float, qualifier: str) -> bool:
    """Whether a tonnage ``x`` the article gives agrees with the table's ``found``: within ``slack``
    (a fraction), or, for a bound ("俄罗斯不足2万吨", "more than 40,000 tonnes"), on its side of it
    (2% slack)."""
    if qualifier == "under":
        return found <= 1.02 * x
    if qualifier == "over":
        return found >= 0.98 * x
    return abs(found - x) <= slack * found


def _quantity(claim: Claim, ds: Dataset, rows: list[Record]) -> Verdict:
    x = float(claim.value)
    where = claim.places[0] if claim.places else "CHN"
    low = claim.sentence.lower()
    if (
        claim.topic == "reserves"
        and not any(w in low for w in ("reserve", "储量"))
        and any(w in low for w in lx.RESOURCES)
    ):
        figure = "a resource estimate: the dataset holds USGS reserves, not resources"
        return Verdict(claim, NOT_COVERED, figure, "")
    if claim.topic == "reserves":
        found = _table_row(ds, "reserves", where, claim.year)
        if claim.year is None:  # an undated article: any edition that prints the figure
            years = sorted({int(y) for y in ds["reserves"]["year"]})
            editions = [_table_row(ds, "reserves", where, y + 1) for y in years]
            found = next((f for f in editions if f and _within(f[0], x, 0.1, claim.qualifier)), found)
        if found is None:
            return Verdict(claim, NOT_COVERED, "", "")
        ok = _within(found[0], x, 0.1, claim.qualifier)
        return Verdict(
            claim, SUPPORTED if ok else CONTRADICTED, f"{where} reserves: {found[0]:,.0f} t", found[1]
        )
    if claim.event == "production_quota":
        return Verdict(claim, NOT_COVERED, "a quota of production: the dataset holds none", "")
    if claim.stage == "mining" and not claim.topic:
        found = _table_row(ds, "mine_production", where, claim.year)
        if found is None:
            return Verdict(claim, NOT_COVERED, f"no mine production of {where} in {claim.year}", "")
        ok = _within(found[0], x, 0.05, claim.qualifier)
        figure = f"{where} mine production {found[2]}: {found[0]:,.0f} t"
        return Verdict(claim, SUPPORTED if ok else CONTRADICTED, figure, found[1])
    if claim.series:
        from reesim.check.export_moves import export_tonnes

        exported = export_tonnes(claim, ds)
        if exported is not None:
            return Verdict(claim, *exported)
    over = claim.qualifier == "over"  # "more than 16,000 t" holds for a record of up to 10% more
    quota = claim.topic == "export_quota" and not claim.qualifier  # quotas to the tonne, halves summed
    exact = 0.001 if quota else 0.01
    named = [
        r for r in rows
        if any(abs(t - x) <= exact * t or (over and x <= t <= 1.1 * x) for t in r.tonnes)
        or (r.kind == "export_quota" and any(abs(t - x) <= 0.001 * t for t in quota_tonnes(r)))
    ]  # fmt: skip
    named.sort(key=lambda r: -(r.kind == claim.topic))
    if named:
        return Verdict(claim, SUPPORTED, named[0].figure, named[0].source)
    return Verdict(claim, NOT_COVERED, "", "")


def _mine_growth(claim: Claim, ds: Dataset) -> Verdict | None:
    """A change in a country's mine production over the year before ("2021年...16.8万吨,同比增长
    20%"), from ``mine_production`` (latest edition of each year), within 2 points."""
    where = next((p for p in claim.places if p != "CHN"), "CHN") if len(claim.places) == 1 else "CHN"
    t = ds["mine_production"]
    t = t[t["iso3"] == where]
    year = int(claim.year or 0)
    now, then = t[t["year"] == year], t[t["year"] == year - 1]
    if now.empty or then.empty:
        return None
    q1 = float(now.sort_values("edition")["quantity"].iloc[-1])
    q0 = float(then.sort_values("edition")["quantity"].iloc[-1])
    actual = q1 / q0 - 1
    ok = abs(actual - float(claim.value)) <= 0.02
    figure = f"{where} mine production {year - 1}: {q0:,.0f} t, {year}: {q1:,.0f} t ({actual:+.0%})"
    source = f"mine_production {year} ({now['source_id'].iloc[0]})"
    return Verdict(claim, SUPPORTED if ok else CONTRADICTED, figure, source)


def _rank(claim: Claim, ds: Dataset) -> Verdict:
    """A place in the ranking of mine production of the claim's year (else the latest), or of
    reserves in the edition in print that year (the figures of the year before)."""
    table = "reserves" if claim.stage == "reserves" else "mine_production"
    if claim.year is None:  # an undated article: any year's ranking that gives the place
        years = sorted({int(y) for y in ds[table]["year"]}, reverse=True)
        judged = [_rank(derive(claim, year=y + (table == "reserves")), ds) for y in years[:2]]
        return next((v for v in judged if v.verdict == SUPPORTED), judged[0])
    t = ds[table]
    wanted = claim.year - 1 if table == "reserves" and claim.year else claim.year
    year = wanted if wanted in set(t["year"]) else int(t["year"].max())
    rows = t[(t["year"] == year) & ~t["iso3"].isin(["WLD", "OTH"])]
    rows = rows[rows["edition"] == rows["edition"].max()].sort_values("quantity", ascending=False)
    order = list(rows["iso3"])
    where = claim.places[0]
    if where not in order:
        return Verdict(claim, NOT_COVERED, "", "")
    place = order.index(where) + 1
    q = float(rows.loc[rows["iso3"] == where, "quantity"].iloc[0])
    edition = str(rows["edition"].iloc[0])
    what = "reserves" if table == "reserves" else "mine production"
    figure = f"{where} is number {place} in {what} {year} ({q:,.0f} t, {edition})"
    source = f"{table} {year} ({rows['source_id'].iloc[0]})"
    return Verdict(claim, SUPPORTED if place == int(float(claim.value)) else CONTRADICTED, figure, source)
