"""How ``reesim check`` reads real articles of the corpus (``tests/articles/corpus``): one test for
each way of reading that a published article showed, built from that article's own words —
negated measures, a headline that repeats the story, verbs of production, resources that are no
reserves, short names of countries, the year of the first term of a "from ... to ..." pair,
volumes beside prices, the host of a meeting, lists of countries' tonnages and shares, magnet
exports by month and destination, Chinese numerals, market prices, and undated measures."""

from __future__ import annotations

from tests.check_scoring import article, rows

from reesim.check.dates import parse_option
from reesim.check.extract import extract
from reesim.check.numbers import stage
from reesim.check.text import headline
from reesim.check.verify import verify
from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

DS = load_dataset()
BASE = build_baseline(DS)


_article = article


def _check(text: str, date: str | None = None) -> list[tuple[str, object, str, str, str]]:
    return rows(text, DS, BASE, date, "figure")


def test_a_measure_the_article_negates_is_no_claim() -> None:
    ltn = _article("zh_hant_ltn_2025_10_28.txt")  # "大馬同意不對美實施...出口禁令與配額限制"
    assert not [c for c in extract(ltn) if c.event in {"export_ban", "export_quota"}]
    english = "Malaysia said it would not ban or impose quotas on rare earth exports to the US."
    assert not [c for c in extract(english, parse_option("2025-10-26")) if c.kind == "event"]
    denied = "中方依法实施出口管制,并非实施出口禁令。"  # the control stays, the ban goes
    assert {c.event for c in extract(denied, parse_option("2025-10-12"))} == {"export_control"}
    assert [c.event for c in extract("大马宣布对美实施出口禁令。", parse_option("2025-10-12"))] == [
        "export_ban"
    ]


def test_a_headline_repeating_the_story_is_one_claim() -> None:
    text = _article("en_newsghana_2025_10_30.txt")
    assert headline(text) == "China Suspends Rare Earth Export Controls After Trump Xi Summit"
    suspensions = [(v, verdict) for k, v, c, verdict, _ in _check(text) if c == "suspension"]
    assert suspensions == [("2025-10", "supported"), ("2025-10", "supported")]  # the story's two sentences
    first = next(c for c in extract(text) if c.event == "suspension")
    assert first.span.startswith("China agreed to suspend")
    assert headline("China cut its quotas.\n\nThe body.") == ""  # a sentence, not a headline


def test_the_host_of_a_meeting_is_no_party_to_it() -> None:
    text = _article("en_newsghana_2025_10_30.txt")  # "talks ... in Busan, South Korea"
    assert all("KOR" not in c.places for c in extract(text) if c.kind == "event")
    busan = "特朗普与习近平10月30日在韩国釜山会晤并达成协议。"
    assert [(c.event, c.places) for c in extract(busan, parse_option("2025-11-07"))] == [("agreement", [])]


def test_a_verb_of_production_with_no_stage_is_mining() -> None:
    reuters = [c for c in _check(_article("en_reuters_2010_12_28.txt")) if c[0] == "share"]
    assert [(v, c, verdict) for _, v, c, verdict, _ in reuters] == [(0.97, "mining", "not covered")]
    assert stage(" the 10,000 metric tons of magnets the company will produce ") == "magnets"
    assert stage(" 中国生产了全球约七成的稀土 ") == "mining"


def test_a_resource_estimate_is_not_checked_against_reserves() -> None:
    ltn = _check(_article("zh_hant_ltn_2025_10_28.txt"))
    tonnes = [(v, verdict, figure) for k, v, c, verdict, figure in ltn if k == "quantity"]
    assert tonnes == [
        (16_100_000.0, "not covered", "a resource estimate: the dataset holds USGS reserves, not resources")
    ]
    reserves = _check("Malaysia's rare earth reserves are 710,000 tonnes.", "2026-02-01")
    assert [(k, verdict) for k, v, c, verdict, _ in reserves] == [("quantity", "supported")]


def test_short_names_of_countries_are_known() -> None:
    found = extract("大马于2025年10月26日与美国签署关键矿产协议。")
    assert [(c.event, c.value) for c in found] == [("agreement", "2025-10")] and "MYS" in found[0].places
    assert verify(found, DS, BASE)[0].verdict == "supported"


def test_the_first_term_of_a_from_to_pair_takes_the_opening_year() -> None:
    itbear = _article(
        "zh_hans_itbear_2025_11.txt"
    )  # "从1994年的3.1万吨跃升至2024年的27万吨,全球市场份额从47%提升至近70%"
    found = [(c.value, c.year) for c in extract(itbear) if c.kind == "share" and c.stage == "mining"]
    assert found == [(0.47, 1994), (0.7, 2024)]
    shares = [(v, verdict) for k, v, c, verdict, _ in _check(itbear) if k == "share" and c == "mining"]
    assert shares == [(0.47, "not covered"), (0.7, "supported")]


def test_a_volume_beside_a_price_is_a_volume() -> None:
    itbear = _article("zh_hans_itbear_2025_11.txt")  # "出口量同比增长27%,国际价格较年初上涨18%"
    changes = [(c.value, c.topic or c.stage) for c in extract(itbear) if c.kind == "change"]
    assert changes == [(0.27, "magnets"), (0.18, "price")]
    exports = [
        (c.value, c.topic) for c in extract("稀土出口量同比增长13.3%,价格持平。") if c.kind == "change"
    ]
    assert exports == [(0.133, "exports")]


def _verdicts(name: str) -> list[tuple[str, object, str, tuple[str, ...], str]]:
    return [
        (
            v.claim.kind,
            v.claim.value,
            v.claim.event or v.claim.topic or v.claim.stage,
            tuple(v.claim.places),
            v.verdict,
        )
        for v in verify(extract(_article(name)), DS, BASE)
    ]


def test_each_tonnage_of_a_list_is_the_country_its_clause_names() -> None:
    found = {
        (v, p, verdict)
        for k, v, c, p, verdict in _verdicts("zh_hans_sputnik_2025_04_17.txt")
        if c == "reserves"
    }
    assert {(21_000_000.0, ("BRA",), "supported"), (6_900_000.0, ("IND",), "supported")} <= found
    assert (90_000_000.0, ("WLD",), "supported") in found  # "世界所有探明储量(9000多万吨)"
    world = {
        (v, verdict) for k, v, c, p, verdict in _verdicts("zh_hans_sputnik_2025_04_17.txt") if p == ("WLD",)
    }
    assert {(376_000.0, "supported"), (390_000.0, "supported")} <= world  # "376千吨", "390千吨"


def test_shares_listed_respectively_are_each_country_s_share_of_that_year() -> None:
    shares = [
        (p, round(float(v), 3), verdict)
        for k, v, c, p, verdict in _verdicts("zh_hans_askci_2023_09_25.txt")
        if k == "share"
    ]
    assert shares == [
        (("CHN",), 0.7, "supported"), (("USA",), 0.143, "supported"), (("AUS",), 0.06, "supported"),
        (("MMR",), 0.04, "supported"), (("THA",), 0.024, "supported"),
    ]  # fmt: skip
    growth = [
        (v, verdict) for k, v, c, p, verdict in _verdicts("zh_hans_askci_2023_09_25.txt") if k == "change"
    ]
    assert growth == [(0.2, "supported")]  # China's mine production 2020 -> 2021


def test_magnet_exports_are_checked_by_month_and_destination() -> None:
    nikkei = [
        (v, p, verdict) for k, v, c, p, verdict in _verdicts("zh_hans_nikkei_2026_02_08.txt") if k == "change"
    ]
    assert nikkei == [(-0.08, ("CHN", "JPN"), "supported")]  # 2025-12 to Japan, month on month
    udn = {
        (k, v, verdict) for k, v, c, p, verdict in _verdicts("zh_hant_udn_2025_12_26.txt") if c == "magnets"
    }
    assert udn == {
        ("change", -0.11, "supported"),
        ("quantity", 6150.0, "supported"),
    }  # "十一月对美...减少一成一"


def test_numerals_with_wan_inside_and_tenths() -> None:
    crhk = {(k, v, verdict) for k, v, c, p, verdict in _verdicts("zh_hant_crhk_2010_12_28.txt")}
    assert {("quantity", 14_500.0, "supported"), ("quantity", 16_000.0, "supported")} <= crhk
    assert ("change", -0.11, "supported") in crhk and ("event", "2010-12", "supported") in crhk


def test_a_market_price_and_a_move_in_multiples_are_checked_against_quotes() -> None:
    c114 = [(k, v, verdict) for k, v, c, p, verdict in _verdicts("zh_hans_c114_2025_05.txt") if k != "event"]
    assert c114 == [("change", 2.0, "supported"), ("price", 850.0, "supported")]  # Dy oxide, Europe


def test_undated_measures_and_suspensions_take_the_months_of_their_records() -> None:
    nikkei = _verdicts("zh_hans_nikkei_2026_02_08.txt")  # "中国政府宣布...禁止向...日本军方用户的出口"
    assert ("event", "2026-01", "export_ban", ("CHN", "JPN"), "supported") in nikkei
    udn = _verdicts("zh_hant_udn_2025_12_26.txt")  # "暂停今年十月对稀土新施加的出口管制措施"
    assert ("event", "2025-11", "suspension", (), "supported") in udn
    end = _verdicts("en_chinadaily_2011_01_18.txt")  # "... at 14,446 tons at the end of 2010"
    assert ("event", "2010-12", "export_quota", ("CHN",), "supported") in end
