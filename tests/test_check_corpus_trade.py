"""``reesim check`` on monthly trade figures as agency copy and Chinese reports write them: a base
of comparison with no unit, a sentence that goes on with the exports before it, China named by
what it leads, a change left on the month before, multiples of a month, comparisons after "but",
"more than" and "slipped", first quarters and top destinations. Each test reads corpus articles
and sentences of the same build written for it."""

from __future__ import annotations

from tests.check_scoring import article, checked

from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

DS = load_dataset()
BASE = build_baseline(DS)


def _found(text: str, date: str | None = None) -> set[tuple[str, float, str, tuple[str, ...], str]]:
    """Kind, value (to 4 decimals), what it is about, countries and verdict of each figure found."""
    return {
        (v.claim.kind, round(float(v.claim.value), 4), v.claim.topic or v.claim.stage, tuple(v.claim.places),
         v.verdict)
        for v in checked(text, DS, BASE, date)
        if v.claim.kind in {"quantity", "change"}
    }  # fmt: skip


def test_a_base_without_a_unit_is_a_tonnage_of_its_month() -> None:
    june = _found(article("en_newsmax_2025_07_14.txt"))
    assert ("quantity", 5864.6, "exports", ("CHN",), "supported") in june  # "up from 5,864.6 in May"
    assert (
        "change",
        0.6,
        "exports",
        ("CHN",),
        "supported",
    ) in june  # "than the 4,829 tons exported in June 2024"
    own = _found(
        "China exported 7,742 metric tons of rare earths in June, down from 5,865.1 in May.", "2025-07-14"
    )
    assert ("quantity", 5865.1, "exports", ("CHN",), "supported") in own
    assert not any(v == 2025.0 for _, v, *_ in _found("Exports rose to 7,742 tons in June from 2025 levels."))
    assert not any(v == 30.0 for _, v, *_ in _found("China exported 5,000 tons, up from 30% a year ago."))


def test_a_sentence_that_goes_on_with_the_exports_before() -> None:
    kitco = _found(article("en_kitco_2025_09_08.txt"))
    assert (
        "quantity",
        5994.0,
        "exports",
        ("CHN",),
        "supported",
    ) in kitco  # "That compared to 5,994 tons in July"
    assert (
        "quantity",
        4723.0,
        "exports",
        ("CHN",),
        "supported",
    ) in kitco  # "... and 4,723 tons in August 2024"
    assert (
        "change",
        0.145,
        "exports",
        ("CHN",),
        "not covered",
    ) in kitco  # "from the world's largest producer"
    squid = _found(article("en_squidsite_2025_11_20.txt"))
    assert ("quantity", 5774.0, "magnets", ("CHN",), "supported") in squid  # "That was down from 5,774 tons"
    own = (
        "China's magnet exports reached 5,577 tons in July. "
        "This was 5.7% more than in the same month of 2024."
    )
    assert ("change", 0.057, "magnets", ("CHN",), "supported") in _found(own, "2025-08-20")


def test_china_named_by_what_it_leads_names_no_stage_of_its_exports() -> None:
    text = "The world's biggest rare earth producer exported 5,792 metric tons last month."
    assert _found(text, "2025-09-08") == {("quantity", 5792.0, "exports", ("CHN",), "supported")}
    shares = [
        v.claim.stage
        for v in checked("China, the world's largest producer, mines 70% of rare earths.", DS, BASE)
    ]
    assert shares == ["mining"]  # no exports: the words of production still count


def test_english_copy_leaves_the_month_before_unsaid() -> None:
    times = _found(article("en_economictimes_2025_10_20.txt"))
    assert ("change", -0.061, "magnets", ("CHN",), "supported") in times  # "dropped 6.1% in September"
    assert (
        "change",
        0.175,
        "magnets",
        ("CHN",),
        "supported",
    ) in times  # "Versus the same month a year earlier"
    zh = _found("9月中国稀土磁铁出口量下降6.1%。", "2025-10-20")  # Chinese reports say 同比 or 环比: a year
    assert ("change", -0.061, "magnets", ("CHN",), "contradicted") in zh  # +17.5% on September 2024


def test_but_parts_two_changes_and_first_quarters_are_runs() -> None:
    march = _found(article("en_bitget_2026_04_20.txt"))
    assert ("change", -0.016, "magnets", ("CHN",), "supported") in march  # "slipped 1.6% from a year earlier"
    assert (
        "change",
        0.105,
        "magnets",
        ("CHN",),
        "not covered",
    ) in march  # "but climbed 10.5% month-on-month"
    assert ("quantity", 16001.0, "magnets", ("CHN",), "not covered") in march  # the first quarter: a run


def test_multiples_of_a_month_and_top_destinations() -> None:
    times = _found(article("zh_hant_globaltimes_2025_07_21.txt"))
    assert (
        "change",
        6.0,
        "magnets",
        ("CHN", "USA"),
        "supported",
    ) in times  # "飆升至5月的7倍以上": over +600%
    by = _found("6月中国对美国稀土磁体出口量激增至5月的8倍。", "2025-07-21")
    assert ("change", 7.0, "magnets", ("CHN", "USA"), "contradicted") in by  # 46 t to 353 t: 7.7 times
    germany = _found(article("en_oedigital_2025_08_20.txt"))
    assert any(k == "change" and v == 0.46 and p == ("CHN", "DEU") for k, v, _, p, _ in germany)
    own = _found(
        "Germany was the largest export market, with 1,200 tons, down 10% on the month.", "2025-08-20"
    )
    assert {p for _, _, _, p, _ in own} == {("CHN", "DEU")}  # both figures: the top destination's
    cumulative = _found(article("zh_hant_cna_2011_01_18.txt"))
    assert ("quantity", 35000.0, "exports", ("CHN",), "not covered") in cumulative  # "累計出口...3.5萬噸"
    assert ("change", 0.145, "exports", ("CHN",), "not covered") in cumulative  # "數量同比增長14.5%"


def test_an_undated_report_of_a_months_figures_is_of_the_month_after() -> None:
    from reesim.check.dates import ArticleDate
    from reesim.check.export_moves import export_periods
    from reesim.check.extract import extract
    from reesim.check.records import infer_date, records

    claims = extract("11月中国稀土磁铁出口量达到6150吨。")
    when = infer_date(claims, records(DS), ArticleDate(), export_periods(DS))
    assert (when.year, when.month, when.how) == (2025, 12, "inferred")  # November's figure: December
    december = extract("12月单月出口稀土4392.1吨,较11月的5493.9吨有所回落。")
    when = infer_date(december, records(DS), ArticleDate(), export_periods(DS))
    assert (when.year, when.month) == (2026, 1)  # not the November of 2026 its earlier months would give
    total = _found(article("en_internationalbusinessweekly_2026_01.txt"))
    assert ("quantity", 62585.0, "exports", ("CHN",), "supported") in total  # "last year shipped out"
    assert ("change", 0.129, "exports", ("CHN",), "supported") in total


def test_a_decimal_comma_and_an_annual_change_of_a_run() -> None:
    from reesim.check.figures import _percentages

    assert [round(v, 4) for *_, v in _percentages("down from 18,9% in the first half")] == [0.189]
    assert [v for *_, v in _percentages("exports of 5,000 tons, 12% more")] == [0.12]  # a thousands comma
    squid = _found(
        article("en_squidsite_2025_11_20.txt")
    )  # "Year to date, ... 45,290 tons, an annual decline"
    assert ("quantity", 45290.0, "magnets", ("CHN",), "supported") in squid
    seven = _found(
        article("en_oedigital_2025_08_20.txt")
    )  # "The first seven months ..., with an annual decline"
    assert ("change", -0.15, "magnets", ("CHN",), "not covered") in seven  # of the seven months, not the year


def test_a_change_by_an_amount_and_a_month_going_on_with_the_report() -> None:
    november = _found(article("en_imaapi_2025_12.txt"))  # "jumped for a second consecutive month, by 26.5%"
    assert ("change", 0.265, "exports", ("CHN",), "supported") in november
    own = _found(
        "Exports to the US in November fell for a third month, by about 11% from October.", "2025-12-20"
    )
    assert ("change", -0.11, "magnets", ("CHN", "USA"), "supported") in own  # 656 t to 582 t
    top = _found(article("en_samarium_2025_12_20.txt"))  # "January remains the top month at 6,357 tons"
    assert ("quantity", 6357.0, "magnets", ("CHN",), "supported") in top
