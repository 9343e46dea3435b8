"""Words reesim recognises in articles, in simplified Chinese and English.

Traditional Chinese is converted to simplified before matching (OpenCC tables), so one lexicon
serves both scripts. Names map to the dataset's identifiers: element symbols, ISO3 codes and
bloc ids, model stages, and event kinds of the ``events`` table.
"""

from __future__ import annotations

ELEMENTS: dict[str, str] = {
    "镧": "La", "铈": "Ce", "镨": "Pr", "钕": "Nd", "钐": "Sm", "铕": "Eu", "钆": "Gd", "铽": "Tb",
    "镝": "Dy", "钬": "Ho", "铒": "Er", "铥": "Tm", "镱": "Yb", "镥": "Lu", "钇": "Y", "钪": "Sc",
    "lanthanum": "La", "cerium": "Ce", "praseodymium": "Pr", "neodymium": "Nd", "samarium": "Sm",
    "europium": "Eu", "gadolinium": "Gd", "terbium": "Tb", "dysprosium": "Dy", "holmium": "Ho",
    "erbium": "Er", "thulium": "Tm", "ytterbium": "Yb", "lutetium": "Lu", "yttrium": "Y", "scandium": "Sc",
}  # fmt: skip

PLACES: dict[str, str] = {
    "中国": "CHN", "美国": "USA", "日本": "JPN", "韩国": "KOR", "南韩": "KOR", "澳大利亚": "AUS",
    "澳洲": "AUS",
    "马来西亚": "MYS", "大马": "MYS", "缅甸": "MMR", "越南": "VNM", "印度": "IND", "加拿大": "CAN",
    "巴西": "BRA",
    "英国": "GBR", "法国": "FRA", "德国": "DEU", "俄罗斯": "RUS", "欧盟": "eu", "欧洲": "eu",
    "七国集团": "g7", "沙特": "SAU", "格陵兰": "GRL", "坦桑尼亚": "TZA", "南非": "ZAF", "尼日利亚": "NGA",
    "马达加斯加": "MDG", "新加坡": "SGP", "以色列": "ISR", "greenland": "GRL", "tanzania": "TZA",
    "south africa": "ZAF", "nigeria": "NGA", "madagascar": "MDG", "singapore": "SGP", "israel": "ISR",
    "the uk": "GBR", "u.k.": "GBR",
    "china": "CHN", "chinese": "CHN", "beijing": "CHN", "united states": "USA", "u.s.": "USA", "us ": "USA",
    "america": "USA", "washington": "USA", "japan": "JPN", "japanese": "JPN", "south korea": "KOR",
    "korea": "KOR", "thailand": "THA", "泰国": "THA", "哈萨克": "KAZ", "kazakhstan": "KAZ", "柬埔寨": "KHM",
    "cambodia": "KHM", "australia": "AUS", "malaysia": "MYS", "myanmar": "MMR", "vietnam": "VNM",
    "india": "IND", "canada": "CAN", "brazil": "BRA", "britain": "GBR", "united kingdom": "GBR",
    "france": "FRA", "germany": "DEU", "russia": "RUS", "european union": "eu", "europe": "eu",
    "eu ": "eu", "g7": "g7", "saudi": "SAU", "qatar": "QAT", "卡塔尔": "QAT", "united arab emirates": "ARE",
    "uae": "ARE", "阿联酋": "ARE", "阿拉伯联合大公国": "ARE", "阿联": "ARE", "卡达": "QAT",
    "greece": "GRC", "希腊": "GRC", "netherlands": "NLD", "荷兰": "NLD",
    "uzbekistan": "UZB", "乌兹别克": "UZB", "indonesia": "IDN", "usa": "USA", "burma": "MMR",
    "burundi": "BDI", "布隆迪": "BDI",
    "印尼": "IDN",
    "philippines": "PHL", "菲律宾": "PHL", "ukraine": "UKR", "乌克兰": "UKR", "argentina": "ARG",
    "阿根廷": "ARG", "chile": "CHL", "智利": "CHL", "pakistan": "PAK", "巴基斯坦": "PAK",
    # the adjectives of the countries ("Australian Prime Minister Anthony Albanese ... signed")
    "australian": "AUS", "malaysian": "MYS", "thai": "THA", "korean": "KOR", "indian": "IND",
    "canadian": "CAN", "brazilian": "BRA", "british": "GBR", "german": "DEU", "vietnamese": "VNM",
    "kazakh": "KAZ", "qatari": "QAT", "emirati": "ARE", "dutch": "NLD", "american": "USA",
}  # fmt: skip

#: Stage words -> the stage a share claim is about.
STAGES: dict[str, str] = {
    "开采": "mining", "采矿": "mining", "矿产量": "mining", "产量": "mining", "mining": "mining",
    "mined": "mining", "mine production": "mining", "output": "mining", "mines": "mining", "mine": "mining",
    "矿山": "mining",
    "分离": "separation", "加工": "separation", "冶炼": "separation", "精炼": "separation",
    "processing": "separation", "refining": "separation", "separation": "separation",
    "processed": "separation",
    "processes": "separation", "process": "separation", "refines": "separation", "refined": "separation",
    "磁体": "magnets", "磁铁": "magnets", "永磁": "magnets", "magnet": "magnets", "magnets": "magnets",
    "extraction": "mining",
}  # fmt: skip

#: Event words -> kind in the ``events`` table. Latin-script words match at the start of a word
#: (so "suspend" finds "suspended"; a trailing space asks for the whole word: "stake ").
EVENTS: list[tuple[str, str]] = [
    ("暂停", "suspension"), ("暂缓", "suspension"), ("suspend", "suspension"), ("pause", "suspension"),
    ("延后执行", "suspension"), ("延后实施", "suspension"), ("推迟执行", "suspension"),
    ("推迟实施", "suspension"), ("postpone", "suspension"), ("temporarily eased", "suspension"),
    ("禁止出口", "export_ban"), ("出口禁令", "export_ban"), ("禁运", "export_ban"), ("ban ", "export_ban"),
    ("bans ", "export_ban"), ("banned", "export_ban"), ("embargo", "export_ban"),
    ("blocked exports", "export_ban"), ("blocks exports", "export_ban"), ("blocked shipments", "export_ban"),
    ("blocks shipments", "export_ban"), ("blocks mineral exports", "export_ban"),
    ("配额", "export_quota"), ("quota", "export_quota"),
    ("出口管制", "export_control"), ("出口许可", "export_control"), ("许可证", "export_control"),
    ("限制出口", "export_control"), ("出口限制", "export_control"), ("export control", "export_control"),
    ("export licen", "export_control"), ("licensing", "export_control"), ("curbs", "export_control"),
    ("出口审查", "export_control"), ("审查制度", "export_control"), ("审查措施", "export_control"),
    ("export rules", "export_control"), ("export regulations", "export_control"),
    ("出口规则", "export_control"), ("出口新规", "export_control"),
    ("curbed", "export_control"),
    ("export restriction", "export_control"),
    ("restricted the export", "export_control"), ("restrict exports", "export_control"),
    ("价格下限", "price_floor"), ("最低价格", "price_floor"), ("price floor", "price_floor"),
    ("floor price", "price_floor"), ("floor ", "price_floor"), ("floors ", "price_floor"),
    ("minimum price", "price_floor"), ("价格底线", "price_floor"), ("保底价", "price_floor"),
    ("底价", "price_floor"),
    ("储备", "stockpile"), ("stockpil", "stockpile"), ("project vault", "stockpile"),
    ("strategic reserve", "stockpile"), ("minerals reserve", "stockpile"),
    ("协议", "agreement"), ("框架", "agreement"), ("达成", "agreement"), ("谅解备忘录", "agreement"),
    ("会晤", "agreement"), ("agreement", "agreement"), ("framework", "agreement"), ("deal ", "agreement"),
    ("truce", "agreement"), ("memorandum", "agreement"), ("mou ", "agreement"), ("partnership", "agreement"),
    ("pact", "agreement"), ("summit", "agreement"), ("talks", "agreement"), ("磋商", "agreement"),
    ("meeting between", "agreement"),
    ("会谈", "agreement"), ("会面", "agreement"), ("川习会", "agreement"), ("习川会", "agreement"),
    ("特习会", "agreement"),
    ("general licen", "other"), ("通用许可", "other"), ("一般出口许可", "other"), ("一般许可", "other"),
    ("开始施行", "other"), ("new regulations", "other"),
    ("正式成立", "other"), ("组建成立", "other"),  # a group founded ("中国稀土集团有限公司正式成立")
    ("加入", "alliance"), ("联盟", "alliance"), ("alliance", "alliance"), ("joined", "alliance"),
    ("joins ", "alliance"), ("joining ", "alliance"),
    ("declaration", "alliance"),
    ("投资", "investment"), ("入股", "investment"), ("investment", "investment"),
    ("invests", "investment"), ("invested", "investment"), ("investing", "investment"),
    ("invest ", "investment"), ("stake ", "investment"), ("preferred stock", "investment"),
    ("equity injection", "investment"), ("equity investment", "investment"), ("注资", "investment"),
    ("funding to", "investment"), ("funding for", "investment"),
]  # fmt: skip

#: Verbs of production and supply: a share or tonnage "produced" or "supplied" with no stage named
#: is mine output (world rare-earth production is mine production in the USGS tables the dataset
#: follows).
PRODUCE = (
    "produces", "produce ", "produced", "production", "producer", "producing", "生产", "产出", "出产",
    "supplies", "supplied", "全球供应", "world supply", "global supply", "world's supply",
)  # fmt: skip

#: Words that negate the measure that follows them in their clause ("不对美实施...出口禁令",
#: "would not ban"): the measure is not reported as taken.
NEGATIONS_ZH = (
    "不会", "不再", "不将", "不予", "不是", "不对", "不向", "不得", "不实施", "不采取", "不施加", "不设",
    "不征", "并非", "并不", "没有", "未曾", "未对", "未向", "未实施", "预计", "有望",
    "计划在", "计划于", "拟于",  # a plan ("印度计划在下月以签署国身分加入"), not yet done
)  # fmt: skip
NEGATIONS_EN = (
    " not ", " never ", "n't ", " refrain from ", " refrained from ", " no longer ", " denied ", " denies ",
    " deny ", " denying ",
)  # fmt: skip
#: Words that lift a measure ("the removal of bans", "取消"): the measure lifted makes a claim only
#: with a date of its own ("the removal of controls China imposed in April 2025").
LIFTS = (" removal of ", " lifting of ", " lift ", " lifted ", "取消", "解除")

#: Words before a measure that make it what the sentence's action answers ("签署...协议,旨在对抗中国的
#: 出口管制措施", "in response to China's export controls"): with no date of its own, it takes none
#: from the action.
ANSWERED = ("对抗", "反制", "回应", "应对", "counter", "response to", "responding to", "retaliat", "amid ")
#: The word closing a clause of background ("在中国加强限制稀土出口...之际"): its measure, with no date
#: of its own, takes none from the sentence's action.
AMID = "之际"

#: Words that open a list of subjects of talks ("核心议题包括...出口管制", "the agenda covers export
#: controls"): the measures after them are discussed, not taken.
AGENDA = ("议题", "议程", "agenda", "topics include", "topics included")

#: Words of an estimate of what lies in the ground besides proven reserves: a tonnage of
#: resources or deposits is not checked against reserves.
RESOURCES = ("resource", "deposit", "蕴藏", "资源量")

#: Words of the world as a whole ("全球稀土产量", "世界所有探明储量", "world output"): a tonnage of
#: the world, not of China.
WORLD = ("全球", "世界", "world", "global")

#: Words of a forecast ("预计2023年产量将达24万吨", "expected to reach"): no claim of fact.
FORECAST = ("预计", "预期", "有望", "expected to", "forecast", "projected to")

#: Words saying a tonnage is one exported ("39,800 tons were actually exported"), not a quota.
EXPORTED = ("exported", "出口量", "export volume", "出口了", "累计出口", "实物量")

#: Words saying a change is one of volume, not of price ("出口量同比增长27%").
VOLUME = (
    "出口量",
    "数量",
    "进口量",
    "销量",
    "出货量",
    "采购量",
    "volume",
    "exports",
    "shipments",
    "imports",
    "purchases",
)

#: Words after an event word that make it a name or a procedure, not an event ("出口管制对话": a
#: dialogue; "出口管制条例", "《出口管制法》": a law; "出口许可审批": the review of licences).
NOT_EVENT = ("对话", "dialogue", "机制", "审批", "条例", "法》", '法"')

#: Verbs that make a sentence report an event even when it names no date: its date is then the
#: article's, or that of the record the claim names.
ACTIONS = (
    "签署", "达成", "暂停", "实施", "公布", "发布", "宣布", "列入", "削减", "会晤", "公告", "决定",
    "signed", "agreed", "imposed", "restricted", "announced", "suspend", "established", "set a",
    "acquire", "slashed", "cut ", "will cut", "launched", "reached", "introduced", "announcing", "调低",
    "下调", "下达", "举行", "held", "joins", "signs", "has banned", "halted", "halting",
    "declared", "declares", "unveiled", "issued", "expanded", "curbed", "tightened", "implemented",
    "joined", "penned", "批准", "扩大", "收紧", "启动", "中止", "宣告", "signing", "to sign ",
    "establishing", "introduces", "acquiring", "prohibit", "banned", "imposing", "imposes", "expands",
    "eased", "easing", "禁止", "加强", "放松", "放宽", "延后", "推迟", "设定", "制定", "设立",
)  # fmt: skip

#: Words saying a date is that of an announcement: the date goes to the measure announced.
ANNOUNCED = ("公布", "发布", "宣布", "announced", "unveiled", "issued")

#: Words saying the sentence speaks of what will be.
FUTURE = ("will ", "would ", "to take effect", "effective", "将", "起", "from ")

#: Names that single out a record of the events table: where a deal was struck, a company.
NAMES: dict[str, str] = {
    "釜山": "Busan", "busan": "Busan", "gimhae": "Busan", "伦敦": "London", "london": "London",
    "东京": "Tokyo", "tokyo": "Tokyo", "吉隆坡": "Kuala Lumpur", "kuala lumpur": "Kuala Lumpur",
    "mp materials": "MP Materials", "芒廷帕斯": "MP Materials", "mountain pass": "MP Materials",
    "kananaskis": "Kananaskis", "日内瓦": "Geneva", "geneva": "Geneva", "project vault": "Project Vault",
    "金库计划": "Project Vault",
}  # fmt: skip

#: Groupings whose members the ``blocs`` table lists, by the names articles give them.
BLOCS: dict[str, str] = {
    "pax silica": "pax_silica", "quad": "quad", "四方安全对话": "quad", "minerals security partnership":
    "mineral_security_partnership", "mineral security partnership": "mineral_security_partnership",
    "矿产安全伙伴关系": "mineral_security_partnership", "七国集团": "g7", "g7": "g7",
}  # fmt: skip

#: China's lists of controlled elements, by how articles count them: "seven (medium and heavy)
#: rare earths" is the April 2025 list, "five" the October 2025 one.
APRIL_2025 = ["Sm", "Gd", "Tb", "Dy", "Lu", "Sc", "Y"]
OCTOBER_2025 = ["Ho", "Er", "Tm", "Eu", "Yb"]
COUNTED = {7: APRIL_2025, 5: OCTOBER_2025}
COUNT_WORDS = {"seven": 7, "five": 5, "七": 7, "五": 5, "7": 7, "5": 5}

#: Words saying a grouping's members are its founders ("signed the original declaration"): the
#: claim is of the month the grouping was founded.
FOUNDING = ("original", "founding", "inaugural", "创始", "首批")

#: Words saying a share is a lower bound, an approximation or an upper bound.
OVER = ("超过", "以上", "逾", "多于", "over", "more than", "above", "at least", "exceeds")
ABOUT = (
    "约",
    "大约",
    "左右",
    "近",
    "将近",
    "接近",
    "about",
    "around",
    "roughly",
    "nearly",
    "almost",
    "some ",
)
UNDER = ("不到", "不足", "以下", "少于", "under", "less than", "fewer than", "below")

MONTHS_EN = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}  # fmt: skip

CN_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
}  # fmt: skip
