"""Chinese word segmentation for spaCy, with the segmenter chosen in the pipeline config.

``kgraph.ChineseTokenizer.v1`` segments with its own ``jieba.Tokenizer`` (so kgraph's lexicons, added as a
user dictionary, never change the global ``jieba`` state of the host application) or character by
character (``segmenter = "char"``).
"""
from __future__ import annotations

import logging
import threading

from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry

SEGMENTERS = ("jieba", "char")
_USER_WORD_FREQ = 2000  # high enough that lexicon entries (高级副总裁, 快手) win over jieba's own splits

_jieba_lock = threading.Lock()
_jieba_cache: dict[bool, object] = {}


def jieba_tokenizer(user_dictionary: bool = True):
    """A process-wide jieba Tokenizer with kgraph's lexicons loaded (built once, on first use)."""
    with _jieba_lock:
        if user_dictionary not in _jieba_cache:
            import jieba

            # jieba logs its dictionary loading at DEBUG through its own handler; keep it quiet.
            logging.getLogger("jieba").setLevel(logging.WARNING)
            if not jieba.dt.initialized:
                jieba.dt.initialize()
            # a copy of the default dictionary jieba has loaded anyway (word_info needs it): reading
            # the dictionary file a second time costs most of a second in every process
            tok = jieba.Tokenizer()
            tok.FREQ, tok.total, tok.initialized = dict(jieba.dt.FREQ), jieba.dt.total, True
            if user_dictionary:
                from ..resources import load_lexicons

                for word in load_lexicons().user_words():
                    tok.add_word(word, freq=_USER_WORD_FREQ)
            _jieba_cache[user_dictionary] = tok
        return _jieba_cache[user_dictionary]


def word_info():
    """(frequency table of jieba's own dictionary, word -> part-of-speech tag table).

    Looking up a token's dictionary tag costs a dict access, where jieba.posseg's HMM tagging runs at a
    tenth of the segmenter's speed.
    """
    import jieba
    import jieba.posseg

    with _jieba_lock:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        if not jieba.dt.initialized:
            jieba.dt.initialize()
    return jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab


class ChineseTokenizer:
    def __init__(self, vocab, segmenter: str = "jieba", user_dictionary: bool = True):
        if segmenter not in SEGMENTERS:
            raise ValueError(f"unknown segmenter {segmenter!r}; choose one of {', '.join(SEGMENTERS)}")
        self.vocab = vocab
        self.segmenter = segmenter
        self.user_dictionary = user_dictionary

    def __call__(self, text: str) -> Doc:
        if self.segmenter == "char":
            words = [ch for ch in text if not ch.isspace()]
        else:
            words = [w for w in jieba_tokenizer(self.user_dictionary).cut(text, HMM=True) if w and not w.isspace()]
        words, spaces = get_words_and_spaces(words, text)
        return Doc(self.vocab, words=words, spaces=spaces)

    # spaCy serialises tokenizers with the pipeline; the settings live in the config, the data in the lexicons.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> "ChineseTokenizer":
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> "ChineseTokenizer":
        return self


@registry.tokenizers("kgraph.ChineseTokenizer.v1")
def create_chinese_tokenizer(segmenter: str = "jieba", user_dictionary: bool = True):
    def tokenizer_factory(nlp):
        return ChineseTokenizer(nlp.vocab, segmenter=segmenter, user_dictionary=user_dictionary)

    return tokenizer_factory
