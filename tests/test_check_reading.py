"""How ``reesim check`` reads real articles of the corpus (``tests/articles/corpus``): one test for
each way of reading that a published article showed, built from that article's own words —
negated measures, a headline that repeats the story, verbs of production, resources that are no
reserves, short names of countries, the year of the first term of a "from ... to ..." pair,
volumes beside prices, and the host of a meeting."""

from __future__ import annotations

from tests.check_scoring import CORPUS

from reesim.check.dates import parse_option
from reesim.check.extract import extract
from reesim.check.numbers import stage
from reesim.check.text import headline
from reesim.check.verify import verify
from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

DS = load_dataset()
BASE = build_baseline(DS)


def _article(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def _check(text: str, date: str | None = None) -> list[tuple[str, object, str, str, str]]:
    given = parse_option(date) if date else None
    return [
        (v.claim.kind, v.claim.value, v.claim.event or v.claim.topic or v.claim.stage, v.verdict, v.figure)
        for v in verify(extract(text, given), DS, BASE, given)
    ]


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
