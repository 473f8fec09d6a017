"""Word lists and patterns the extraction rules share: punctuation, name shapes, cue verbs, figures."""
from __future__ import annotations

import re

CJK = "\u4e00-\u9fff"
CLAUSE_PUNCT = set("，。；：！？,;:!?\n")
QUOTE_PAIRS = {"“": "”", "「": "」", "『": "』"}
NAME_STOP_FIRST = set("的了在是和与也还就都又把被将从对向为等及其该此这那各每某本全其据由以因但而且或兼之却要想我你他她们"
                      "一二三四五六七八九十两几")
NAME_STOP_LAST = set("的了在是也将向称说到时等们被却我你他她曾")
NAME_BOUNDARY_PUNCT = set("，。、；：！？,.;:!?“”\"'（）()《》〈〉【】[]·—-… \n\t")
# what may stand between a speaker's name and the speech verb (张三也表示, 张三在会上指出)
_SPEECH_ADVERBS = (r"(?:也|还|则|就|更|又|却|均|都|进一步|特别|再次|同时|随后|此前|曾|曾经|对此|现场|当天|当日|日前|近日|"
                   r"在会上|在会议上|在演讲中|在大会上|在发布会上|在现场|对记者|向记者|接受采访时|在接受[^，。]{1,12}?采访时)")
ADVERBS_BEFORE_VERB = re.compile(_SPEECH_ADVERBS + "+$")
ADVERBS_AFTER_NAME = re.compile(_SPEECH_ADVERBS + "*")
LATIN_NAME_RE = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+){1,2}")
TRANSLIT_NAME_RE = re.compile(rf"[{CJK}]{{1,5}}(?:·[{CJK}]{{1,6}}){{1,2}}")
CJK_NAME_RE = re.compile(rf"[{CJK}]{{2,4}}")
NAME_LIKE_TAGS = {"n", "nz", "ns", "nt", "nr", "nrt", "nrfg", "j", "eng", "vn", "an", "nw", "x", None}
RARE_WORD_FREQ = 300  # a dictionary noun rarer than this can be the proper part of a name (星河科技)
COMMON_WORD_FREQ = 50
FORMER_MARKERS = ("前", "原", "曾任", "时任", "曾担任", "此前担任")
ORG_LEADING_VERBS = ("先后任职", "先后任", "历任", "现任", "时任", "曾任", "起任", "出任", "担任", "任职", "原", "任")
ORG_LEFT_STOPS = {"前", "原", "现任", "曾任", "时任", "担任", "出任", "原任", "新任", "该", "这家", "那家", "其"}
ALIAS_RE = re.compile(r"[（(](?:以下)?(?:简称|下称|又称|英文简称)[“\"「]?([^”\"」）)]{1,20})[”\"」]?[）)]")
FOUND_VERBS = ("创立", "创办", "创建", "成立", "一手创办", "联合创办", "联合创立")
EVENT_HOST_VERBS = ("举办", "主办", "召开", "举行", "承办", "发起", "开幕", "启幕")
SUBSIDIARY_CUES = ("旗下的", "旗下", "的子公司", "子公司", "下属的", "下属")
BRAND_CUES = ("自有品牌", "子品牌", "新品牌", "快品牌", "品牌")
FIGURE_RE = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<plus>\+)?"
    r"(?:(?P<pct>%|％)|(?P<mult>万亿|千亿|百亿|亿|千万|百万|万|千)?"
    r"(?P<unit>元|美元|人民币|港元|欧元|日元|英镑|个|家|名|位|款|件|次|倍|台|辆|项|人次|人|单|笔|亿次)?)"
)
MULTIPLIERS = {"万亿": 1e12, "千亿": 1e11, "百亿": 1e10, "亿": 1e8, "千万": 1e7, "百万": 1e6, "万": 1e4, "千": 1e3}
