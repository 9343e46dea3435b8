"""``reesim check`` on classes of failure the tuned part of the corpus of real articles showed:
who takes a measure, deals named by their city, dates of clauses, the months and years of export
figures, headlines, fractions and the runner-up's share. Each test reads corpus articles (or a
sentence written like them) and asserts the claims and verdicts found."""

from __future__ import annotations

from tests.check_scoring import article, rows

from reesim.check.dates import ArticleDate, mentions, parse_option, resolve
from reesim.check.extract import extract
from reesim.check.verify import verify
from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

DS = load_dataset()
BASE = build_baseline(DS)


def _check(text: str, date: str | None = None) -> list[tuple[str, object, str, str, str]]:
    return rows(text, DS, BASE, date, "source")


def _found(text: str, date: str | None = None) -> set[tuple[str, object, str, str]]:
    """Kind, value (figures to 4 decimals), context and verdict of each claim found."""
    return {
        (kind, round(value, 4) if isinstance(value, float) else value, context, verdict)
        for kind, value, context, verdict, _ in _check(text, date)
    }


def test_a_measure_of_the_united_states_is_none_of_chinas() -> None:
    found = _found(article("zh_hant_yahoo_2025_10_30.txt"))  # "以回應華府在9月底擴大科技出口管制措施"
    assert {v for k, v, c, _ in found if c == "export_control"} == {"2025-04", "2025-10"}
    both = _found("美方將暫停實施其9月29日公布的出口管制50％穿透性規則一年。", "2025-10-30")
    assert both == set()  # the US suspends its own rule: no suspension of China's


def test_a_deal_named_by_its_city_beside_a_suspension_is_a_claim_too() -> None:
    found = _check(article("en_tippinsights_2025_11_20.txt"))  # "...Trump's summit with Xi in Busan"
    assert ("event", "2025-10", "agreement", "supported", "livemint_2025_busan") in found
    assert ("event", "2025-10", "suspension", "supported", "chemradar_2025_no70") in found


def test_an_event_no_one_dates_is_no_claim() -> None:
    assert _found("China's export controls weigh on carmakers.") == set()


def test_dates_of_clauses_weekdays_and_titles() -> None:
    by_then = mentions("至10月9日,商务部更提出新规。")
    assert [(m.month, m.day, m.until) for m in by_then] == [(10, 9, False)]  # "by 9 October", no end
    assert [(m.month, m.day, m.until) for m in mentions("暂停实施至2026年11月10日")] == [(11, 10, True)]
    weekday = mentions("美国总统川普周四(10/30)表示")
    assert [resolve(m, ArticleDate(2025, 10, 31, "option"))[0] for m in weekday] == ["2025-10"]
    title = _check(article("zh_hant_hk01_2025_10_15.txt"))  # 《關於加強...對美國出口管制的公告》 names it
    assert [(k, v, c, verdict) for k, v, c, verdict, _ in title] == [
        ("event", "2024-10", "other", "supported"),  # 《稀土管理條例》開始施行
        ("event", "2024-12", "export_ban", "supported"),
    ]


def test_export_figures_take_their_own_month_and_year() -> None:
    october = _found(article("en_tippinsights_2025_11_20.txt"))  # "from September to 5,473 metric tons"
    assert ("quantity", 5473.0, "magnets", "supported") in october
    assert ("change", 0.56, "magnets", "supported") in october  # "the highest since January": October's
    august = _found(article("en_samarium_2025_09_20.txt"))  # "...after Beijing curbed shipments in April"
    judged = {(k, v, verdict) for k, v, _, verdict in august}
    assert {("change", 0.102, "supported"), ("change", 0.154, "supported")} <= judged
    quarters = _found(article("en_telegraphindia_2025_10_20.txt"))  # 2025's, not the compared 2024's
    assert ("quantity", 39817.0, "magnets", "supported") in quarters
    december = _found("12月中国稀土磁铁出口量为5952吨，较11月下降3.2%。", "2026-01-20")  # of 2025
    assert december == {
        ("quantity", 5952.0, "magnets", "supported"),
        ("change", -0.032, "magnets", "supported"),
    }
    year = _found("China's rare earth exports in 2025 rose 12.9% to 62,585 tons, the highest since 2014.")
    assert ("change", 0.129, "exports", "supported") in year


def test_a_headline_figure_the_body_repeats_and_a_clause_that_goes_on() -> None:
    found = _check(article("en_tradingeconomics_2025_07_21.txt"))  # "Exports to US Surge 660%": magnets
    assert [(k, v, c) for k, v, c, *_ in found if v == 6.6] == [("change", 6.6, "magnets")]
    pmbiz = _found(article("zh_hans_pmbiz_2026_01.txt"))  # "对美稀土磁铁...飙升至353吨,同比暴增660%"
    assert ("change", 6.6, "magnets", "not covered") in pmbiz
    assert ("change", 6.6, "exports", "not covered") not in pmbiz


def test_fractions_and_the_runner_up_share() -> None:
    two_thirds = verify(extract("中國稀土產量佔全球三分之二。", parse_option("2025-10-09")), DS, BASE)
    assert [(round(float(v.claim.value), 3), v.claim.stage, v.verdict) for v in two_thirds] == [
        (0.667, "mining", "supported")
    ]  # fmt: skip
    assert _found("In the first three quarters of 2025, exports fell.") == set()  # no fraction
    date = parse_option("2025-11-20")
    second = verify(extract("中国稀土产量占全球的69%，其次是美国，占12%。", date), DS, BASE)
    assert [(v.claim.value, v.claim.places, v.verdict) for v in second] == [
        (0.69, ["CHN", "USA"], "supported"),
        (0.12, ["USA"], "supported"),
    ]


def test_numerals_with_wan_and_adjectives_of_countries() -> None:
    year = {(k, v, verdict) for k, v, _, verdict in _found(article("zh_hant_udn_2026_01_14.txt"))}
    assert {("quantity", 62585.0, "supported"), ("quantity", 58193.1, "not covered")} <= year  # "6萬2585噸"
    signed = verify(extract(article("en_anews_2025_10_21.txt")), DS, BASE)  # "Australian Prime Minister"
    assert [(v.claim.value, v.claim.places, v.verdict) for v in signed] == [
        ("2025-10", ["USA", "AUS"], "supported")
    ]
