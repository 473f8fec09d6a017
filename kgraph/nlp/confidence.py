"""Every confidence the extraction rules give, in one table: how much a mention or fact found by each kind of
evidence is trusted (``Entity.confidence``, ``Evidence.confidence``). :mod:`kgraph.evaluation` measures the
calibration of these figures (``kgraph eval``) and reads :data:`ROLE_LEXICON` from here.

A rule with a strong, specific pattern (a title before a name, a lexicon organisation) scores 0.85-0.9; one
that depends on a single weak cue (a one-character suffix, a place tagged by jieba alone) 0.5-0.6.

Calibrated on ../shared/data/news_annotated (240 annotated articles, December 2026): each figure is about the
precision its rule reached there, so that what kgraph gives 0.8 or more is right at least nine times in ten.
Measured per rule (and, for positions, per kind of evidence: a known organisation, a lexicon title), e.g. a
position with a lexicon organisation and title 92%, with an organisation only the tagger or a suffix found 69%,
with a title the lexicon lacks 64%, a bare title with no organisation 23%.
"""
from __future__ import annotations

from ..model import Kind

# -- entities (kgraph.nlp.entities) ---------------------------------------------------------------------
LEXICON_ORGANIZATION = 0.9        # a well-known organisation of the lexicon
UNIT_ORGANIZATION = 0.65          # a unit named after its parent organisation (X公司财务部): 50% right
SUFFIX_ORGANIZATION = 0.75        # a name before an organisation suffix of two characters or more (…科技)
SHORT_SUFFIX_ORGANIZATION = 0.6   # … before a one-character suffix (…局, …行)
WORK = 0.9                        # a title in 《》
QUOTED_EVENT = 0.85               # “…” naming an event (…大会)
QUOTED_BRAND = 0.8                # “…” after a brand cue (自有品牌“…”)
QUOTED_INITIATIVE = 0.8           # “…” after a proposal verb or holding/followed by an initiative word
PROGRAMME_INITIATIVE = 0.65       # “…” starting with a programme verb only (“大搞…”)
PROGRAMME_OBJECT_DISCOUNT = 0.1   # the object inside a programme item, below the item itself
UNQUOTED_EVENT = 0.6              # an event word with a name before it, no quotes
UNQUOTED_INITIATIVE = 0.55        # 计划/工程 with a name before it, no quotes
PERSON_AFTER_TITLE = 0.9          # 副总裁张明远 (a surname first)
PERSON_AFTER_TITLE_NO_SURNAME = 0.6  # 首席探索官网大为: no surname first, often a word after a title (主播再找)
PERSON_APPOSITIVE = 0.8           # 张明远（星河科技副总裁）
PERSON_BEFORE_SPEECH = 0.7        # 张明远表示
LEXICON_PLACE = 0.85              # a place of the lexicon
JIEBA_PLACE = 0.6                 # a word jieba's dictionary tags ns, with a place suffix
STATISTICAL = {Kind.PERSON: 0.75, Kind.ORGANIZATION: 0.7, Kind.PLACE: 0.7}  # the tagger alone
STATISTICAL_AFTER_TITLE = 0.9     # the tagger's person where a title rule found one starting at the same place
AGREEMENT_BONUS = 0.07            # a rule and the tagger finding the same span and kind
AGREEMENT_CAP = 0.97
ROLE_LEXICON = 0.8                # a title of the lexicon
ROLE_TAGGER_OVER_LEXICON = 0.85   # the tagger's title holding lexicon titles (设计总监 over 总监)
ROLE_TAGGER = 0.7                 # a title only the tagger finds
BYLINE_PERSON = 0.9               # 记者 张三 李四, （记者 王五）: 94-100% right
CREDIT_PERSON = 0.85              # 文｜赵六, 钱七/编辑
CITED_OUTLET = 0.92               # 《财经》记者, 据《华尔街日报》报道
BYLINE_OUTLET = 0.85              # 澎湃新闻记者, 新京报讯, 据CNBC报道
SOURCE_LINE_OUTLET = 0.9          # 来源：第一财经 (a known outlet)
LATIN_ORGANIZATION = 0.8         # 企业软件公司Anaplan, FF Top Holding Ltd
LATIN_PERSON = 0.8                # Jeff Barr表示
UNKNOWN_SOURCE_LINE_OUTLET = 0.75  # 来源：X (an unknown name): 80% right

# -- relations (kgraph.nlp.relations) -------------------------------------------------------------------
POSITION = 0.85                   # a lexicon title with a well-known organisation in the same chain: 92% right
INHERITED_POSITION = 0.75         # … the organisation taken from an earlier item of the chain
BARE_TITLE_POSITION = 0.45        # a bare 董事长 given the organisation the sentence is about: 20-45% right
TITLE_ONLY_POSITION = 0.5         # a title with no organisation (job_title): 23% right
KNOWN_ORGANIZATION = 0.9          # an organisation this sure is well known (lexicon, or two rules agreeing)
UNSURE_ORGANIZATION_DISCOUNT = 0.15  # the position's organisation below KNOWN_ORGANIZATION: 69% right
UNSURE_PERSON_DISCOUNT = 0.1      # the person below KNOWN_PERSON (the tagger alone): 89% right
KNOWN_PERSON = 0.9
COMPOUND_TITLE_DISCOUNT = 0.2     # a title the lexicon lacks (中国区业务负责人): 64% right
BYLINE_POSITION = 0.85            # 记者 at the outlet its byline names: 97% right
HOUSE_OUTLET_POSITION = 0.75      # … at the outlet the article names elsewhere (接受澎湃新闻记者采访): 80%
BYLINE_TITLE_ONLY = 0.5           # … no outlet found: 38%
HEAD_OF_DISCOUNT = 0.05           # org:headOf inferred from the title, below the membership
FOUNDED_BY_VERB = 0.85            # 张三创办了X: 93% right
LAUNCHED_BY = 0.6                 # 推出: launching is weaker evidence of founding
SUB_ORGANIZATION = 0.5            # X + a unit word (快手电商): 24% right
STATED_UNIT = 0.7                 # X旗下(…)Y, Y（X全资子公司）: 68% right
LISTED_UNIT = 0.65                # the further items of a list after 旗下
NAMED_UNIT = 0.55                 # a name that starts with another organisation's (腾讯量子实验室): 40% right
PARENT_ORGANIZATION = 0.8         # the parent organisation a unit word implies
PROPOSAL_WITH_VERB = 0.8          # 张三提出“…”
PROPOSAL_NEAREST_NAME = 0.5       # the nearest name before the quote, no proposal verb
ORGANIZER = 0.8
EVENT_LOCATION = 0.8
STATEMENT = 0.8
FIGURE = 0.7
FIGURE_SUBJECT = 0.5              # what a figure measures: the nearest organisation is a guess
