"""``reesim check`` on background mentions and company figures: dates of a report of data or of
another paper, an undated article's halt matched to the record its words describe, a company's
plant, a buyer's commitment, a share of one country's market or imports, the second quarter.
Each test reads corpus articles and sentences of the same build written for it."""

from __future__ import annotations

from tests.check_scoring import article, checked

from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

DS = load_dataset()
BASE = build_baseline(DS)


def _found(text: str, date: str | None = None) -> set[tuple[str, object, str, str]]:
    """Kind, value, context and verdict of each claim found (no amounts of money)."""
    return {
        (v.claim.kind, v.claim.value if v.claim.kind == "event" else round(float(v.claim.value), 4),
         v.claim.event if v.claim.kind == "event" else v.claim.topic or v.claim.stage, v.verdict)
        for v in checked(text, DS, BASE, date)
        if v.claim.kind != "money"
    }  # fmt: skip


def test_a_date_of_a_report_of_data_is_no_events() -> None:
    june = _found(article("en_newsmax_2025_07_14.txt"))
    assert ("event", "2025-06", "agreement", "supported") in june  # "agreements reached last month"
    assert ("event", "2025-07", "agreement", "not covered") not in june  # "customs data showed on Monday"
    own = "Customs data showed on Tuesday that exports rose after the deal reached in London in June."
    assert ("event", "2025-06", "agreement", "supported") in _found(own, "2025-07-15")
    paper = "The paper reported on Tuesday that a deal signed last month eased the curbs."
    assert {(k, v, c) for k, v, c, _ in _found(paper, "2025-07-03")} >= {("event", "2025-06", "agreement")}
    assert ("event", "2025-07", "agreement", "not covered") not in _found(paper, "2025-07-03")
    said = (
        "Trump said on October 30 that he and Xi had agreed at a summit in South Korea to keep exports going."
    )
    assert ("event", "2025-10", "agreement", "supported") in _found(said, "2025-12-01")  # "said": the event's


def test_an_undated_articles_halt_is_the_record_its_words_describe() -> None:
    halt = _found(article("en_chinadigitaltimes_2010_09_23.txt"))
    assert ("event", "2010-09", "export_ban", "supported") in halt  # "halting all shipments to Japan"
    assert not any(v == "2026-01" for _, v, *_ in halt)
    military = _found("Beijing banned exports of dual-use items to Japanese military end users.")
    assert ("event", "2026-01", "export_ban", "supported") in military


def test_company_figures_are_no_world_or_country_figures() -> None:
    plant = _found(article("en_ainvest_2025_07.txt"))
    assert ("quantity", 10000.0, "magnets", "supported") in plant  # "a magnet plant capable of producing"
    assert not any(k == "share" and v == 1.0 for k, v, *_ in plant)
    capacity = _found(article("en_fingerlakes1_2025_07_11.txt"))
    assert ("quantity", 10000.0, "magnets", "supported") in capacity  # "magnet production capacity to 10,000"
    assert not any(k == "share" for k, *_ in capacity)  # "about 70% of America's rare earths": its imports
    assert not any(
        k == "share" for k, *_ in _found("美国国防部确保100%采购该工厂生产的稀土磁铁。", "2025-07-15")
    )
    assert not any(
        k == "share" for k, *_ in _found("China supplied 70% of Japan's rare earth imports.", "2025-07-15")
    )
    assert ("share", 0.7, "mining", "supported") in _found(
        "China produces 70% of the world's rare earths.", "2025-07"
    )
    quarter = _found(
        "MP Materials' output rose 120% in the second quarter; 第二季产量增长20%。", "2025-08-11"
    )
    assert not any(c == "second" for _, _, c, _ in quarter)  # 第二季 is the second quarter, no runner-up


def test_quotas_are_read_to_the_tonne_and_last_years_quota_dates_the_article() -> None:
    from reesim.check.dates import ArticleDate
    from reesim.check.export_moves import export_periods
    from reesim.check.extract import extract
    from reesim.check.records import infer_date, records

    full = _found("China's 2010 quota of 30,258 tons was 40 percent below 2009's.", "2011-07-15")
    assert ("quantity", 30258.0, "export_quota", "supported") in full  # 22,282 t and 7,976 t: the two halves
    near = _found("This put the full-year quota at 30,184 tons.", "2011-07-15")
    assert ("quantity", 30184.0, "export_quota", "not covered") in near  # not 30,258 t: quotas are exact
    claims = extract("商务部公布第二批稀土出口配额15738吨,较去年第二批配额7976吨增加约97.3%。")
    when = infer_date(claims, records(DS), ArticleDate(), export_periods(DS))
    assert when.year == 2011  # last year's second batch (July 2010): the article is of 2011
    batch = _found(article("zh_hant_h1_2011_07_15.txt"))  # "較去年第二批配額7976噸"
    assert ("event", "2011-07", "export_quota", "not covered") in batch  # the 2011 batch is not on record


def test_countries_by_their_taiwanese_names_and_plans_to_join() -> None:
    uae = _found(article("zh_hant_yahoo_2026_01_15.txt"))
    assert ("event", "2026-01", "alliance", "supported") in uae  # "阿拉伯聯合大公國今天簽署文件"
    assert not any(
        c == "alliance" and v == "2025-12" and verdict == "not covered" for _, v, c, verdict in uae
    )
    plan = _found("美國國務院表示，印度計劃在下月以簽署國身分加入「矽和平」。", "2026-01-15")
    assert not any(k == "event" for k, *_ in plan)  # a plan is no event yet


def test_a_meeting_of_the_leaders_is_a_deal_of_its_own() -> None:
    pause = _found(
        article("en_yenisafak_2025_10_30.txt")
    )  # "following the meeting between ... in South Korea"
    assert ("event", "2025-10", "agreement", "supported") in pause
    own = "China will suspend the controls for a year after a meeting between Xi Jinping and Donald Trump."
    assert ("event", "2025-10", "agreement", "supported") in _found(own, "2025-10-30")
    ahead = "Beijing has imposed new export controls ahead of talks between Xi Jinping and Donald Trump."
    assert not any(c == "agreement" for _, _, c, _ in _found(ahead, "2025-10-20"))  # talks still to come


def test_exports_blocked_to_a_country_are_a_ban() -> None:
    scotsman = _found(
        article("en_scotsman_2010_09.txt")
    )  # "CHINA has blocked exports of key minerals to Japan"
    assert ("event", "2010-09", "export_ban", "supported") in scotsman
    assert ("share", 0.93, "mining", "not covered") in scotsman  # the article is of 2010: no share of then
    own = _found("In January 2026 Beijing blocked shipments of dual-use items to Japan.")
    assert ("event", "2026-01", "export_ban", "supported") in own


def test_an_undated_articles_shares_are_of_the_latest_year_it_names() -> None:
    abc = _found(article("en_abc_2013_12_13.txt"))  # names 2012 and 2014, no dateline
    assert ("share", 0.95, "mining", "not covered") in abc  # of 2014: before the stage shares begin
    assert ("quantity", 30966.0, "export_quota", "not covered") in abc  # "the 30,966 tonne quota"
    own = _found("China mines 93 percent of the world's rare earths. It exported 16,265 tonnes in 2012.")
    assert ("share", 0.93, "mining", "not covered") in own


def test_a_group_founded_and_new_regulations_are_events() -> None:
    group = _found(article("zh_hans_cctv_2021_12_23.txt"))  # "中国稀土集团有限公司正式成立"
    assert ("event", "2021-12", "other", "supported") in group
    assert ("event", "2021-12", "other", "supported") in _found(
        "中國稀土集團昨日正式組建成立。", "2021-12-24"
    )
    rules = _found(
        "China enforces quotas, including new regulations introduced in October 2024.", "2025-03-01"
    )
    assert ("event", "2024-10", "other", "supported") in rules  # the Rare Earth Management Regulations
