"""Chinese word segmentation for spaCy, with the segmenter chosen in the pipeline config.

``kgraph.ChineseTokenizer.v1`` segments with its own ``jieba.Tokenizer`` (so kgraph's lexicons, added as a
user dictionary, never change the global ``jieba`` state of the host application) or character by
character (``segmenter = "char"``).
"""
from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import sys
import threading
from pathlib import Path

from spacy.tokens import Doc
from spacy.util import get_words_and_spaces, registry

from ..settings import SEGMENTERS

_USER_WORD_FREQ = 2000  # high enough that lexicon entries (高级副总裁, 快手) win over jieba's own splits

_jieba_lock = threading.Lock()
_jieba_cache: dict[bool, object] = {}
_DICTIONARY_CACHE = "jieba-dictionary.pickle"
_DICTIONARY_FORMAT = 1

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def jieba_dictionary() -> tuple[dict[str, int], int, dict[str, str]]:
    """jieba's default dictionary: (word and word-prefix -> frequency, the total frequency, word -> its
    part-of-speech tag), read once per process.

    jieba itself reads its dictionary from a marshal file it writes into the temporary directory, which takes
    1.5 s here; these tables come from a pickle in kgraph's cache directory (:func:`kgraph.resources.cache_dir`),
    which takes a third of that, made from jieba's dictionary file the first time (and again when jieba or its
    dictionary changes). The global ``jieba.dt`` is never initialised, so jieba writes nothing.
    """
    from ..resources import cache_dir

    return load_dictionary(cache_dir())


def load_dictionary(directory: Path | None) -> tuple[dict[str, int], int, dict[str, str]]:
    """:func:`jieba_dictionary`, read from (or, the first time, made and saved into) ``directory``; from jieba's
    dictionary file alone when ``directory`` is None."""
    import jieba

    with contextlib.closing(jieba.dt.get_dict_file()) as fh:
        source = getattr(fh, "name", None)
    stamp = [_DICTIONARY_FORMAT, jieba.__version__, str(source)]
    if source and os.path.exists(source):
        info = os.stat(source)
        stamp += [info.st_size, info.st_mtime_ns]
    path = Path(directory) / _DICTIONARY_CACHE if directory is not None else None
    if path is not None and path.is_file():
        try:
            with open(path, "rb") as fh:
                cached = pickle.load(fh)
            if cached[0] == stamp:
                return cached[1], cached[2], cached[3]
        except Exception as exc:  # noqa: BLE001 - a damaged cache is made again
            log.debug("%s: %s; reading jieba's dictionary", path, exc)
    with contextlib.closing(jieba.dt.get_dict_file()) as fh:
        freq, total = jieba.Tokenizer.gen_pfdict(fh)
    tags: dict[str, str] = {}
    with contextlib.closing(jieba.dt.get_dict_file()) as fh:
        for line in fh:
            parts = line.decode("utf-8").split()
            if len(parts) == 3:
                tags[parts[0]] = sys.intern(parts[2])
    if path is not None:
        try:
            from ..io import atomic_write

            with atomic_write(path, "wb") as fh:
                pickle.dump((stamp, freq, total, tags), fh, protocol=pickle.HIGHEST_PROTOCOL)
        except OSError as exc:
            log.debug("cannot write %s: %s", path, exc)
    return freq, total, tags


def jieba_tokenizer(user_dictionary: bool = True):
    """A process-wide jieba Tokenizer with kgraph's lexicons loaded (built once, on first use)."""
    with _jieba_lock:
        if user_dictionary not in _jieba_cache:
            import jieba

            # jieba logs its dictionary loading at DEBUG through its own handler; keep it quiet.
            logging.getLogger("jieba").setLevel(logging.WARNING)
            freq, total, _ = jieba_dictionary()
            tok = jieba.Tokenizer()
            tok.FREQ, tok.total, tok.initialized = dict(freq), total, True  # a copy: the user words go in it
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
    freq, _, tags = jieba_dictionary()
    return freq, tags


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
