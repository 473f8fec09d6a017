"""Every confidence the extraction rules give, in one table: how much a mention or fact found by each kind of
evidence is trusted (``Entity.confidence``, ``Evidence.confidence``). :mod:`kgraph.evaluation` measures the
calibration of these figures (``kgraph eval``) and reads :data:`ROLE_LEXICON` from here.

A rule with a strong, specific pattern (a title before a name, a lexicon organisation) scores 0.85-0.9; one
that depends on a single weak cue (a one-character suffix, a place tagged by jieba alone) 0.5-0.6.
"""
from __future__ import annotations

from ..model import Kind

# -- entities (kgraph.nlp.entities) ---------------------------------------------------------------------
LEXICON_ORGANIZATION = 0.9        # a well-known organisation of the lexicon
UNIT_ORGANIZATION = 0.8           # a unit named after its parent organisation (X公司财务部)
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
PERSON_AFTER_TITLE = 0.9          # 副总裁张明远
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

# -- relations (kgraph.nlp.relations) -------------------------------------------------------------------
POSITION = 0.85                   # a title with its organisation in the same chain
INHERITED_POSITION = 0.75         # … the organisation taken from an earlier item of the chain
BARE_TITLE_POSITION = 0.6         # a bare 董事长 given the organisation the sentence is about
HEAD_OF_DISCOUNT = 0.05           # org:headOf inferred from the title, below the membership
FOUNDED_BY_VERB = 0.75            # 张三创办了X
LAUNCHED_BY = 0.6                 # 推出: launching is weaker evidence of founding
SUB_ORGANIZATION = 0.8
PROPOSAL_WITH_VERB = 0.8          # 张三提出“…”
PROPOSAL_NEAREST_NAME = 0.5       # the nearest name before the quote, no proposal verb
ORGANIZER = 0.8
EVENT_LOCATION = 0.8
STATEMENT = 0.8
FIGURE = 0.7
FIGURE_SUBJECT = 0.5              # what a figure measures: the nearest organisation is a guess
