"""Tonnages of China's exports and their changes an article reports, checked against
``china_exports``: a month's tonnes ("11月中国稀土磁体出口量达到约6150吨"), a run of months
("In the first three quarters ... 39,817 tons"), a year ("全年累计出口62585.2吨"), by destination
("中国对日本的稀土磁体出口量达到305吨"), and changes month on month, year on year or against a month
named ("比10月增长12%", "down 4.7% from July", "a 60-percent increase from June 2024").

What the figure is about (series, destination, month, run, comparison) is read by
:mod:`reesim.check.export_reading`. The table gives the tonnes of magnets by destination and of all
rare-earth products for the world; a figure of rare-earth exports to a country is compared with
the magnet series of that country, the only series by destination the table has (the figure says
so). A tonnage holds within 5% of the month's (or year's) record; a run of months within 1% of the
sum of its months, when the table has every one of them. A change is computed from the two
periods' tonnes and holds within 2 points, or within what rounding the earlier tonnage to whole
tonnes allows ("46 t" to "353 t" is +660% to +683%). A period the table lacks is not covered.
"""

from __future__ import annotations

from reesim.check.claim import Claim
from reesim.dataset.model import Dataset

NOT_COVERED = "not covered"


def destination(claim: Claim) -> str:
    """Where an export figure goes: the first place the claim names besides China, else the world
    (``WLD``)."""
    return next((p for p in claim.places if p != "CHN"), "WLD")


def _shift(year: int, month: int, months: int) -> tuple[int, int]:
    total = year * 12 + month - 1 - months
    return total // 12, total % 12 + 1


class _Series:
    """One series of ``china_exports`` (a product to a destination) by period."""

    def __init__(self, ds: Dataset, claim: Claim) -> None:
        t = ds["china_exports"]
        t = t[t["unit"] == "t"]
        where = destination(claim)
        product = claim.series or "magnet"
        rows = t[(t["product"] == product) & (t["destination"] == where)]
        if rows.empty and product != "magnet":  # by destination the table has magnets only
            product, rows = "magnet", t[(t["product"] == "magnet") & (t["destination"] == where)]
        self.label = f"China's {'magnet' if product == 'magnet' else 'rare-earth'} exports to {where}"
        self.tonnes = {str(p): float(q) for p, q in zip(rows["period"], rows["quantity"], strict=True)}
        self.sources = {str(p): str(s) for p, s in zip(rows["period"], rows["source_id"], strict=True)}

    def period(self, year: int, month: int | None, run: int | None) -> tuple[str, float | None, str]:
        """A period's name, tonnes (None when the table lacks any of its months) and source."""
        if run == 12 or (month is None and run is None):
            key = f"{year:04d}"
            return key, self.tonnes.get(key), self.sources.get(key, "")
        if run:
            keys = [f"{year:04d}-{m:02d}" for m in range(1, run + 1)]
            if not all(k in self.tonnes for k in keys):
                return f"{keys[0]} to {keys[-1]}", None, ""
            return f"{keys[0]} to {keys[-1]}", sum(self.tonnes[k] for k in keys), self.sources[keys[-1]]
        key = f"{year:04d}-{month:02d}"
        return key, self.tonnes.get(key), self.sources.get(key, "")


def export_periods(ds: Dataset) -> list[tuple[str, str, str, float]]:
    """Product, destination, month (``YYYY-MM``) and tonnes of each monthly row of ``china_exports``:
    a month's figure an undated article gives dates it."""
    t = ds["china_exports"]
    t = t[(t["unit"] == "t") & t["period"].astype(str).str.match(r"\d{4}-\d\d$")]
    return [
        (str(p), str(d), str(m), float(q))
        for p, d, m, q in zip(t["product"], t["destination"], t["period"], t["quantity"], strict=True)
    ]


def export_tonnes(claim: Claim, ds: Dataset) -> tuple[str, str, str] | None:
    """Verdict, figure and source of a tonnage of exports, or None when it is not one."""
    if not claim.series or claim.year is None:
        return None
    if claim.run == -1:
        return NOT_COVERED, "months not from January: china_exports has no such total", ""
    if claim.month is None and claim.run is None and not claim.period_year:
        return NOT_COVERED, "no month or year named for the exports", ""
    series = _Series(ds, claim)
    name, actual, source = series.period(claim.year, claim.month, claim.run)
    if actual is None:
        return NOT_COVERED, f"china_exports has no {series.label[8:]} for {name}", ""
    x = float(claim.value)
    ok = abs(actual - x) <= (0.01 if claim.run and claim.run < 12 else 0.05) * actual
    if claim.qualifier in {"under", "over"}:  # "不足50吨", "less than 50 tonnes": a bound (2% slack)
        ok = actual <= 1.02 * x if claim.qualifier == "under" else actual >= 0.98 * x
    figure = f"{series.label} in {name}: {actual:,.0f} t"
    return ("supported" if ok else "contradicted"), figure, source


def export_change(claim: Claim, ds: Dataset) -> tuple[str, str, str] | None:
    """Verdict, figure and source of a change of exports, or None when it is not one."""
    if not claim.series or claim.year is None:
        return None
    if claim.run == -1:
        return NOT_COVERED, "months not from January: china_exports has no such total", ""
    series = _Series(ds, claim)
    if claim.run and claim.run < 12:
        now_name, now, source = series.period(claim.year, None, claim.run)
        then_name, then, _ = series.period(claim.year - 1, None, claim.run)
    elif claim.run == 12 or claim.month is None:
        if claim.month is None and claim.run is None and not claim.period_year:
            return NOT_COVERED, "no month or year named for the change of exports", ""
        now_name, now, source = series.period(claim.year, None, 12)
        then_name, then, _ = series.period(claim.year - 1, None, 12)
    else:
        if claim.versus_month:
            back_year = claim.versus_year or (
                claim.year if claim.versus_month < claim.month else claim.year - 1
            )
            before = (back_year, claim.versus_month)
        else:
            before = _shift(claim.year, claim.month, claim.back)
        now_name, now, source = series.period(claim.year, claim.month, None)
        then_name, then, _ = series.period(before[0], before[1], None)
    if now is None or then is None or then <= 0:
        return NOT_COVERED, f"china_exports has no {series.label[8:]} for {then_name} and {now_name}", ""
    actual = now / then - 1
    x = float(claim.value)
    rounding = 0.5 / then + 0.005  # the tonnages are rounded to whole tonnes
    ok = abs(actual - x) <= 0.02 or abs((1 + x) / (1 + actual) - 1) <= rounding
    if claim.qualifier in {"over", "under"}:  # "飙升至5月的7倍以上": at least +600% (2 points of slack)
        ok = ok or (actual >= x - 0.02 if claim.qualifier == "over" else actual <= x + 0.02)
    figure = f"{series.label}: {then:,.0f} t in {then_name}, {now:,.0f} t in {now_name} ({actual:+.1%})"
    return ("supported" if ok else "contradicted"), figure, source
