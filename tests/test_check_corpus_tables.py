"""``reesim check`` on production and reserves given country by country: tables and slides
flattened to text (a country's heading over labelled rows), numbered lists, a pronoun for the
country named before, ranks told by place or spot, quotas of mining, bounds and combined shares.
Each test reads corpus articles and sentences of the same build written for it."""

from __future__ import annotations

from tests.check_scoring import article, checked

from reesim.check.extract import sentences
from reesim.check.tables import heading, refers_back
from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

DS = load_dataset()
BASE = build_baseline(DS)


def _found(text: str, date: str | None = None) -> set[tuple[str, object, str, str]]:
    """Kind, value, context (what a figure is about, as the corpus is scored) and verdict of each
    claim found."""
    return {
        (v.claim.kind, round(float(v.claim.value), 4), v.claim.topic or v.claim.stage, v.verdict)
        if v.claim.kind != "event"
        else (v.claim.kind, v.claim.value, v.claim.event, v.verdict)
        for v in checked(text, DS, BASE, date)
    }


def _places(text: str, date: str | None = None) -> set[tuple[str, float, str, tuple[str, ...], str]]:
    """Kind, value, context, countries and verdict of each figure found."""
    return {
        (v.claim.kind, float(v.claim.value), v.claim.topic or v.claim.stage, tuple(v.claim.places), v.verdict)
        for v in checked(text, DS, BASE, date)
        if v.claim.kind in {"quantity", "rank", "change", "share"}
    }


def test_rows_under_a_country_heading_are_that_countrys() -> None:
    slide = _places(article("en_upstox_2025_12_04.txt"))
    assert ("quantity", 2500.0, "mining", ("RUS",), "supported") in slide  # "Production: 2,500 metric tons*"
    assert ("quantity", 3_800_000.0, "reserves", ("RUS",), "supported") in slide  # "Reserves: 3.8 million"
    assert (
        "quantity",
        31000.0,
        "mining",
        ("MMR",),
        "contradicted",
    ) in slide  # "3. Burma": 27,000 t in MCS 2026
    assert ("change", -0.28, "mining", ("MMR",), "contradicted") in slide  # "Its ... production slumped"
    assert ("rank", 4.0, "reserves", ("AUS",), "supported") in slide  # "It holds the world's fourth-largest"
    text = (
        "2. Canada\n\nOutput: 500 tonnes\nReserves: 830,000 metric tons\n\n"
        "3. Brazil\n\nProduction: 20 tonnes\nReserves: 21 million tonnes\n"
    )
    own = _places(text, "2025-03-01")
    assert ("quantity", 21_000_000.0, "reserves", ("BRA",), "supported") in own
    assert any(k == "quantity" and v == 830_000.0 and p == ("CAN",) for k, v, _, p, _ in own)
    assert all(places for *_, places, _ in own)  # no row is read as China's


def test_a_heading_is_a_country_alone_and_words_end_its_section() -> None:
    assert heading("6. Russia") == ["RUS"] and heading("4. Nigeria*") == ["NGA"] and heading("USA") == ["USA"]
    assert heading("Special mention") == []  # a heading of words: the section before ends
    assert heading("China suspends its rare earth export controls for a year") is None
    assert heading("Production: 2,500 metric tons") is None
    assert refers_back("in 2024, its production totalled 2,900 mt") and refers_back(
        "the country's output rose"
    )
    assert not refers_back("china's output rose")
    tail = "Special mention\n\nProduction fell to 10,000 tonnes in 2024."
    assert ("quantity", 10000.0, "mining", (), "contradicted") in _places("3. Burma\n\n" + tail, "2025-03-01")


def test_rows_and_items_of_a_list_are_sentences_of_their_own() -> None:
    text = "1. China: 270,000 metric tons\nChina remains the global leader in rare earth production."
    assert sentences(text) == [
        "1. China: 270,000 metric tons",
        "China remains the global leader in rare earth production.",
    ]
    assert sentences("Reserves: 5.7 million metric\n tons\nIts production fell.") == [
        "Reserves: 5.7 million metric tons",
        "Its production fell.",
    ]
    assert len(sentences("It said exports rose\nsharply in May.")) == 1  # a wrapped line is no row


def test_a_numbered_list_under_a_heading_of_reserves_is_of_reserves() -> None:
    listed = _places(article("en_globalsouthworld_2025.txt"))
    assert ("quantity", 21_000_000.0, "reserves", ("BRA",), "supported") in listed  # "2. Brazil: 21 million"
    assert ("quantity", 860_000.0, "reserves", ("ZAF",), "supported") in listed
    own = _places(
        "The largest reserves are held by:\n\n1. Vietnam: 3.5 million tonnes\n2. Russia: 3.8 million t"
    )
    assert ("quantity", 3_500_000.0, "reserves", ("VNM",), "supported") in own


def test_output_in_a_sentence_on_reserves_and_its_year() -> None:
    chronicle = _places(article("en_baltimorechronicle_2025_08_13.txt"))
    assert (
        "quantity",
        270000.0,
        "mining",
        ("CHN",),
        "supported",
    ) in chronicle  # "and in 2024 produced 270,000"
    nai = _places(article("en_nai500_2025_03.txt"))
    assert (
        "quantity",
        255000.0,
        "mining",
        ("CHN",),
        "supported",
    ) in nai  # "up from 255,000 metric tons in 2023"
    assert ("quantity", 270000.0, "mining", ("CHN",), "supported") in nai  # undated in 2025: of 2024
    own = _places("Australia holds 5.7 million tonnes of reserves and produced 13,000 tonnes in 2024.")
    assert ("quantity", 13000.0, "mining", ("AUS",), "contradicted") in own  # 29,000 t in MCS 2026
    prior = _places("In 2023, China's output was 240,000 metric tons, up from 210,000 MT the previous year.")
    assert ("quantity", 210000.0, "mining", ("CHN",), "supported") in prior  # 2022


def test_ranks_by_place_spot_and_largest() -> None:
    wion = _found(article("en_wionews_2025_10_01.txt"))
    assert ("rank", 6.0, "reserves", "supported") in wion  # "Vietnam stand at the sixth spot"
    assert ("rank", 1.0, "reserves", "supported") in wion  # "holds the top spot"
    for text, stage, place in (
        ("Brazil ranks second, with 21 million tonnes of reserves.", "reserves", 2.0),
        ("India is third, with reserves of 6.9 million tonnes.", "reserves", 3.0),
        (
            "Since China is the world's largest producer of rare earths, prices follow its quotas.",
            "mining",
            1.0,
        ),
        ("China remains the global leader in rare earth production.", "mining", 1.0),
        ("中国拥有世界上最大的稀土储量。", "reserves", 1.0),
    ):
        assert ("rank", place, stage, "supported") in _found(text, "2025-08-01"), text
    assert {k for k, *_ in _found("中國是全球最大的稀土生產與儲量國。", "2024-06-29")} == {"rank"}
    assert len(_found("中國是全球最大的稀土生產與儲量國。", "2024-06-29")) == 2  # both rankings
    none = "China, the world's largest rare-earths producer, cut export quotas. It is the first time."
    assert not any(k == "rank" for k, *_ in _found(none, "2010-07-09"))  # no country is or holds it
    assert not any(k == "rank" for k, *_ in _found("公司成为中国境外第一家重稀土商业生产商。", "2025-05-18"))


def test_quotas_of_mining_bounds_and_shares_of_several_countries() -> None:
    quota = _found(article("en_capitalbuilder_2024_08_30.txt"))
    assert ("quantity", 240000.0, "mining", "not covered") in quota  # a quota of mining, "respectively"
    assert ("quantity", 230000.0, "separation", "not covered") in quota
    own = _found("2025年稀土開採配額為27萬噸。", "2025-12-01")
    assert own == {("quantity", 270000.0, "mining", "not covered")}
    assert ("quantity", 20000.0, "mining", "supported") in _found(
        "俄罗斯产量不足2万吨。", "2025-12-01"
    )  # 2,600 t
    assert ("quantity", 20000.0, "mining", "contradicted") in _found("俄罗斯产量超过2万吨。", "2025-12-01")
    assert ("quantity", 1000.0, "mining", "contradicted") in _found(
        "India produced less than 1,000 tonnes in 2024.", "2025-03-01"
    )  # 2,900 t
    combined = _found(article("zh_hans_djyanbao_2025_07_03.txt"))
    assert not any(v in {0.9113, 0.54, 0.18} for _, v, *_ in combined)  # four countries together; 2030
    assert not _found("The four countries together account for 91% of global production.", "2025-07-01")
    assert ("share", 0.01, "mining", "supported") in _found(
        "India produces less than 1% of the global output.", "2025-12-04"
    )


def test_a_share_takes_the_stage_named_right_after_it() -> None:
    for text, stage in (
        ("China accounts for 90% of global refined output.", "separation"),
        ("China holds over 90% of magnet output.", "magnets"),
        ("China controls roughly 60% of extraction, and about 90% of refining.", "mining"),
    ):
        assert ("share", round(float(text.split("%")[0].split()[-1]) / 100, 4), stage) in {
            (k, v, c) for k, v, c, _ in _found(text, "2025-06-01")
        }, text
    both = _found("中國占據約九成精煉能力及七成礦產產量。", "2025-08-26")
    assert {(v, c) for k, v, c, _ in both if k == "share"} == {(0.9, "separation"), (0.7, "mining")}
    assert not any(k == "change" for k, *_ in _found("Demand is projected to surge by about 477% by 2050."))
