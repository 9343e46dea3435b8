"""``reesim check`` on phrasings the untuned part of the corpus of real articles used: measures in
words of their own (technology bans, prohibitions, halts, lengthened lists, licences required),
stakes, stockpiles and floors named by what they buy, signatories of a grouping, exports told by
their importer or by the sentence before, words of change, lists and dates. Each test reads
corpus articles and sentences worded like them (synonyms, word orders, both Chinese scripts)."""

from __future__ import annotations

from tests.check_scoring import article, rows

from reesim.check.dates import ArticleDate, dateline, mentions, resolve
from reesim.check.extract import extract, sentences
from reesim.dataset import load_dataset
from reesim.model.baseline import build_baseline

DS = load_dataset()
BASE = build_baseline(DS)


def _found(text: str, date: str | None = None) -> set[tuple[str, object, str, str]]:
    """Kind, value (figures to 4 decimals), context and verdict of each claim found."""
    return {
        (kind, round(value, 4) if isinstance(value, float) else value, context, verdict)
        for kind, value, context, verdict, _ in rows(text, DS, BASE, date, "figure")
    }


def test_bans_of_technology_are_not_bans_of_exports() -> None:
    lynas = _found(article("en_malaymail_2025_05_18.txt"))  # "has banned the export of processing technology"
    assert ("event", "2023-12", "technology_ban", "supported") in lynas
    assert not any(c == "export_ban" for _, _, c, _ in lynas)
    for text in (
        "China banned exports of rare earth magnet technology in December 2023.",
        "In December 2023 Beijing added rare earth processing technology to its export ban list.",
        "2023年12月，中國禁止出口稀土提煉和分離技術。",
        "2023年12月，中国禁止出口稀土提炼和分离技术。",
    ):
        assert _found(text) == {("event", "2023-12", "technology_ban", "supported")}, text
    goods = _found("China, which leads in processing technology, banned exports to Japan in January 2026.")
    assert goods == {("event", "2026-01", "export_ban", "supported")}  # another clause's technology


def test_prohibitions_halts_lists_and_licences_are_measures() -> None:
    japan = _found(article("en_geopolitechs_2026_01.txt"))  # "prohibiting the export of all dual-use items"
    assert ("event", "2026-01", "export_ban", "supported") in japan
    assert _found(
        "China's exports of dual-use items to Japan are prohibited from January 6.", "2026-01-08"
    ) == {("event", "2026-01", "export_ban", "supported")}
    april = ("event", "2025-04", "export_control", "supported")  # a halt naming no destination: controls
    assert april in _found(article("en_automotiveworld_2025_06_19.txt"))  # "halting exports of seven"
    assert _found("China stopped shipments of seven rare earth elements in April 2025.") == {april}
    assert _found("今年4月，北京暫停出口七種稀土金屬。", "2025-09-22") == {april}
    assert _found("In October 2025, Beijing expanded its control list to include five more elements.") == {
        ("event", "2025-10", "export_control", "supported")
    }
    assert april in _found(article("en_sinodaily_2025_10_30.txt"))  # "has required licences ... since April"
    halt = [c for c in extract("中国在短期内中止对日出口稀土。", ArticleDate(2010, 9, 23, "option"))]
    assert [(c.event, c.destinations) for c in halt] == [("export_ban", ["JPN"])]  # with a destination: a ban


def test_stakes_stockpiles_floors_and_signatories_named_by_what_they_are() -> None:
    stake = ("event", "2025-07", "investment", "supported")
    assert stake in _found(
        article("en_fetradeworld_2025_07.txt")
    )  # "acquiring $400 million worth of preferred stock"
    ts2 = _found(
        article("en_ts2_2026_01_14.txt")
    )  # "a July 2025 ... partnership involving ... equity injection"
    assert stake in ts2 and ("event", "2025-07", "agreement", "supported") not in ts2
    assert stake in _found("The Pentagon bought a $400 million equity stake in MP Materials in July 2025.")
    vault = ("event", "2026-02", "stockpile", "supported")
    assert vault in _found(
        article("en_carscoops_2026_02.txt")
    )  # "an executive order establishing Project Vault"
    assert vault in _found(
        "President Trump launched Project Vault, a $12 billion critical minerals stockpile.", "2026-02-03"
    )
    floor = _found("The contract sets a minimum $110 per kilogram price for NdPr.", "2025-07-15")
    assert floor == {("price", 110.0, "price_floor", "supported")}
    assert ("event", "2026-01", "alliance", "supported") in _found(
        article("en_federalnewswire_2026_01_12.txt")
    )
    assert _found("The United Arab Emirates joined Pax Silica, signing the declaration in Abu Dhabi.") == {
        ("event", "2026-01", "alliance", "supported")  # the month the UAE signed, not the founding
    }


def test_exports_told_by_importers_rankings_and_the_sentence_before() -> None:
    samarium = _found(article("en_samarium_2025_12_20.txt"))  # "U.S. imports fell about 11% to 582 tons"
    assert {
        ("change", -0.11, "magnets", "supported"),
        ("quantity", 582.0, "magnets", "supported"),
    } <= samarium
    assert ("change", 0.35, "magnets", "supported") in samarium  # "Japan's purchases jumped roughly 35%"
    ranked = _found("美国排名第二,7月份出口量为619吨,较6月暴增75.5%。", "2025-08-21")
    assert ranked == {("quantity", 619.0, "magnets", "supported"), ("change", 0.755, "magnets", "supported")}
    assert _found("The US ranked second, with exports of 619 tons in July.", "2025-08-21") == {
        ("quantity", 619.0, "magnets", "supported")
    }
    etnet = _found(article("zh_hant_etnet_2025_08_21.txt"))  # "...同比增長5.7%；環比則增長75%"
    assert ("change", 0.75, "magnets", "supported") in etnet
    assert ("share", 0.9, "magnets", "supported") in etnet  # "稀土磁鐵產業...產量佔到全球的90%以上"
    kaohoon = _found(
        article("en_kaohoon_2026_01.txt")
    )  # "...exported 62,585 ... during 2025. This marked ..."
    assert {
        ("quantity", 62585.0, "exports", "supported"),
        ("change", 0.129, "exports", "supported"),
    } <= kaohoon
    producer = "China, the largest producer, exported 62,585 metric tons of rare earths in 2025."
    assert _found(producer, "2026-01-15") == {("quantity", 62585.0, "exports", "supported")}
    neighbour = _found(
        article("en_goldsea_2026_01_19.txt")
    )  # "to its Asian neighbour totalled 280 metric tons"
    assert ("quantity", 280.0, "magnets", "supported") in neighbour


def test_words_of_change_and_periods() -> None:
    assert _found("11月中國稀土磁鐵出口量達6150噸，較10月成長12%。") >= {
        ("change", 0.12, "magnets", "supported")
    }
    monthly = _found("8月稀土磁铁出口量达6,146吨,月增10.2%,年增15.4%。", "2025-09-22")
    assert {("change", 0.102, "magnets", "supported"), ("change", 0.154, "magnets", "supported")} <= monthly
    earlier = (
        "Exports of rare earth magnets to the U.S. fell 3% from a month earlier to 564 tons in December."
    )
    assert ("change", -0.03, "magnets", "supported") in _found(earlier, "2026-01-19")
    year = "For all of 2025, 5,933 tons of magnets were shipped to the U.S., an annual fall of 20.3%."
    assert _found(year, "2026-01-19") == {
        ("quantity", 5933.0, "magnets", "supported"),
        ("change", -0.203, "magnets", "supported"),
    }
    versus = "In December, rare earth exports dropped by 20% to 4,392 tons compared to November."
    assert _found(versus, "2026-01-15") == {
        ("change", -0.2, "exports", "supported"),
        ("quantity", 4392.0, "exports", "supported"),  # December's, not November's
    }
    bound = _found(article("zh_hant_etnet_2025_11_20.txt"))  # "5月...出口量暴跌至不足50噸": at most 50 t
    assert [verdict for kind, value, _, verdict in bound if (kind, value) == ("quantity", 50.0)] == [
        "supported"
    ]


def test_list_items_dates_and_datelines() -> None:
    usgs = _found(
        article("en_quicknews_2025.txt")
    )  # "- U.S.: 43,000 tons (11%)" under "2024 production data"
    assert {("share", 0.11, "mining", "supported"), ("quantity", 43000.0, "mining", "contradicted")} <= usgs
    assert len(sentences("Data:\n- China: 270,000 tons (69%)\n- U.S.: 43,000 tons (11%)")) == 3
    twentieth = mentions("美國總統川普與澳洲總理艾班尼斯廿日在白宮簽署關鍵礦物協議")
    assert [m.day for m in twentieth] == [20]
    assert [m.month for m in mentions("稀土磁铁总出口量连三月上升")] == []  # three months in a row, not March
    assert [m.until for m in mentions("dropped by 20% to 4,392 tons compared to November")] == [False]
    assert dateline("On April 4, 2025, China's Ministry of Commerce introduced licences.").how == "unknown"
    assert dateline("BEIJING, Dec 28 (Reuters) - China cut its export quotas.").month == 12
    assert resolve(mentions("二月廿一日")[0], ArticleDate(2026, 2, 25, "option")) == ("2026-02", None, None)


def test_phrases_denied_and_share_prices_make_no_claim() -> None:
    for text in (
        "Exports of rare earths to Japan are not prohibited, the ministry said.",
        "Exporters do not need to apply for licences for exports of lanthanum.",
        "出口镧不需要申请许可。",
        "China did not halt exports of rare earths in 2024.",
        "Analysts expect a slew of investments in refining.",
    ):
        assert _found(text, "2025-11-10") == set(), text
    shares = _found(
        "The miner's shares jumped 12% after Beijing halted exports of seven rare earths in April.",
        "2025-05-01",
    )
    assert shares == {("event", "2025-04", "export_control", "supported")}  # no change of exports
    paired = _found("US-China talks resumed in Geneva; exports to the US rose 5% from April.", "2025-06-10")
    assert {k for k, *_ in paired} == {"change"}  # "US-China" names no destination; "to the US" does


def test_periods_and_destinations_in_other_words() -> None:
    hk = _found("11月中國稀土磁鐵出口量為6150噸，按月升12%。", "2025-12-20")  # Hong Kong's 按月, 按年
    assert ("change", 0.12, "magnets", "supported") in hk
    assert ("change", -0.11, "magnets", "supported") in _found(
        "11月中国对美国稀土磁铁出口582吨，按月跌11%。", "2025-12-20"
    )
    sequential = "China's magnet exports rose 12% sequentially to 6,150 tons in November."
    assert ("change", 0.12, "magnets", "supported") in _found(sequential, "2025-12-20")
    for text in (
        "US-bound shipments of magnets totalled 582 tonnes in November.",
        "Magnet shipments bound for the US totalled 582 tonnes in November.",
    ):
        assert _found(text, "2025-12-20") == {("quantity", 582.0, "magnets", "supported")}, text
    share = _found(article("zh_hans_itbear_2025_11.txt"))  # "份额从47%提升至近70%": shares, no change
    assert {(k, v) for k, v, *_ in share} >= {("share", 0.47), ("share", 0.7)}
    assert not {(k, v) for k, v, *_ in share} & {("change", 0.47), ("change", 0.7)}
