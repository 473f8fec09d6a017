"""The statistical NER model: the bundled model, the spaCy component, data conversion and training."""
from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy
import pytest
import spacy

from kgraph import training, training_data
from kgraph.annotated_news import (
    ProjectionCounts,
    article_sentences,
    is_dev_article,
    project_article,
)
from kgraph.nlp import statistical
from kgraph.nlp.statistical import (
    TagDecoder,
    bundled_model_path,
    predict_spans,
    text_pieces,
)

# Invented: no such company or person.
SENTENCE = "星河云图科技有限公司董事长王立新昨天在杭州宣布，公司将在明年推出新的智能物流平台。"
PERSON = "王立新"
ORGANIZATION = "星河云图科技有限公司"


def jieba_pipeline():
    from kgraph.nlp import segmenter  # noqa: F401  (registers kgraph.ChineseTokenizer.v1)

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"@tokenizers": "kgraph.ChineseTokenizer.v1",
                                                          "segmenter": "jieba"}}})
    nlp.add_pipe("kgraph_statistical_ner")
    return nlp


# ------------------------------------------------------------------------------------------ bundled model

def test_bundled_model_is_inside_the_installed_package():
    import kgraph.models

    path = bundled_model_path()
    assert path.parent == Path(kgraph.models.__file__).parent
    assert (path / "config.cfg").is_file() and (path / "tagger" / "model").is_file()
    assert (path / "MODEL_CARD.md").is_file()
    assert training.directory_size(path) < 50_000_000  # the size limit of issue 8
    nlp = statistical.load_model()
    assert nlp.pipe_names == ["tagger"]
    assert set(nlp.get_pipe("tagger").labels) == set(training.tag_names())


def test_predict_spans_finds_person_and_organization_with_exact_offsets():
    [spans] = predict_spans([SENTENCE])
    found = {(SENTENCE[s:e], label) for s, e, label in spans}
    assert (PERSON, "PERSON") in found
    assert (ORGANIZATION, "ORGANIZATION") in found
    assert all(0 <= s < e <= len(SENTENCE) for s, e, _ in spans)


def test_offsets_are_exact_in_long_text_with_whitespace():
    text = "  今天天气不错。\n\n" + SENTENCE * 8 + "\n" + "　" + SENTENCE
    [spans] = predict_spans([text])
    people = [(s, e) for s, e, label in spans if label == "PERSON"]
    assert len(people) == 9
    assert all(text[s:e] == PERSON for s, e in people)
    assert spans == sorted(spans)


def test_predict_spans_keeps_text_order_and_handles_empty_texts():
    result = predict_spans(["", SENTENCE, "   ", SENTENCE[:12]])
    assert len(result) == 4
    assert result[0] == [] and result[2] == []
    assert any(label == "PERSON" for _, _, label in result[1])


# ------------------------------------------------------------------------------------------ component

def test_component_in_a_jieba_pipeline_writes_exact_offsets_and_aligned_spans():
    nlp = jieba_pipeline()
    doc = nlp(SENTENCE)
    assert [SENTENCE[s:e] for s, e, label in doc._.kg_ner if label == "PERSON"] == [PERSON]
    assert [SENTENCE[s:e] for s, e, label in doc._.kg_ner if label == "ORGANIZATION"] == [ORGANIZATION]
    spans = doc.spans["kg_ner"]
    assert len(spans) == len(doc._.kg_ner)
    for span, (start, end, label) in zip(spans, doc._.kg_ner):
        assert span.label_ == label
        assert span.start_char <= start and span.end_char >= end  # widened to jieba's tokens
    # nlp.pipe goes through the component's batched pipe() and gives the same result
    piped = list(nlp.pipe([SENTENCE, "没有实体"]))
    assert piped[0]._.kg_ner == doc._.kg_ner
    assert isinstance(piped[1]._.kg_ner, list)


def test_component_is_picklable_and_loads_no_model_until_used():
    component = statistical.StatisticalEntityRecognizer()
    clone = pickle.loads(pickle.dumps(component))
    assert (clone.model, clone.spans_key) == ("bundled", "kg_ner")
    assert not hasattr(clone, "nlp")


def test_results_survive_doc_serialisation():
    nlp = jieba_pipeline()
    doc = nlp(SENTENCE)
    again = spacy.tokens.Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert again._.kg_ner == doc._.kg_ner
    assert [s.text for s in again.spans["kg_ner"]] == [s.text for s in doc.spans["kg_ner"]]


# ------------------------------------------------------------------------------------------ decoding

def test_decoder_repairs_invalid_tag_sequences():
    tags = training.tag_names(["PERSON"])  # O B I E S
    decoder = TagDecoder(tags)
    one_hot = numpy.eye(len(tags), dtype="float32")
    valid = one_hot[[tags.index(t) for t in ["O", "B-PERSON", "I-PERSON", "E-PERSON", "S-PERSON"]]]
    assert decoder.decode([valid]) == [[(1, 4, "PERSON"), (4, 5, "PERSON")]]
    # "I-PERSON" cannot start an entity, "B-PERSON" cannot end the text: the best valid path differs.
    scores = numpy.full((3, len(tags)), 0.05, dtype="float32")
    scores[0, tags.index("I-PERSON")], scores[0, tags.index("B-PERSON")] = 0.6, 0.3
    scores[1, tags.index("E-PERSON")] = 0.8
    scores[2, tags.index("B-PERSON")], scores[2, tags.index("O")] = 0.5, 0.4
    assert decoder.decode([scores]) == [[(0, 2, "PERSON")]]


def test_fast_features_equal_the_tokenizer_docs():
    from spacy.attrs import NORM, ORTH

    nlp = statistical.load_model()
    text = "星河 科技\n2023年Q3营收增长35%，🚀！"
    doc = nlp.make_doc(text)
    assert doc.text == text and len(doc) == len(text)
    features = statistical.CharacterFeatures(text, nlp.tokenizer)
    assert (features.to_array([ORTH, NORM]) == doc.to_array([ORTH, NORM])).all()
    assert (features.to_array("SHAPE") == doc.to_array("SHAPE")).all()  # other columns: from a real Doc


def test_text_pieces_cover_the_text_within_the_limit():
    text = ("第一句话。" * 30) + "没有标点" * 80 + "，然后结束\n"
    pieces = text_pieces(text, max_chars=50)
    assert "".join(text[s:e] for s, e in pieces) == text
    assert all(0 < e - s <= 50 for s, e in pieces)
    assert text_pieces("") == []


# ------------------------------------------------------------------------------------------ conversion

BMES = """高 B-NAME
勇 E-NAME
任 O
公 B-ORG
司 E-ORG
总 B-TITLE
经 M-TITLE
理 E-TITLE
， O
汉 B-RACE
族 E-RACE
京 S-LOC

张 B-PER
三 I-PER
去 O
北 B-LOC
京 I-LOC
"""


def test_character_tag_conversion_maps_labels_and_drops_others():
    first, second = training_data.read_char_tags(BMES.splitlines(), {**training_data.RESUME_LABELS, **training_data.NEWS_LABELS})
    assert first.text == "高勇任公司总经理，汉族京"
    assert first.spans == [(0, 2, "PERSON"), (3, 5, "ORGANIZATION"), (5, 8, "ROLE"), (11, 12, "PLACE")]
    assert second.text == "张三去北京"  # BIO tags
    assert second.spans == [(0, 2, "PERSON"), (3, 5, "PLACE")]


def test_cluener_conversion(tmp_path):
    record = {"text": "浙商银行行长叶老桂在杭州说，叶老桂喜欢《三体》",
              "label": {"company": {"浙商银行": [[0, 3]]}, "position": {"行长": [[4, 5]]},
                        "name": {"叶老桂": [[6, 8], [14, 16]]}, "address": {"杭州": [[10, 11]]},
                        "book": {"《三体》": [[19, 22]]}}}
    path = tmp_path / "train.json"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    [sentence] = training_data.read_cluener(path)
    assert sentence.spans == [(0, 4, "ORGANIZATION"), (4, 6, "ROLE"), (6, 9, "PERSON"), (10, 12, "PLACE"),
                              (14, 17, "PERSON")]
    docbin = training.to_docbin([sentence])
    vocab = spacy.vocab.Vocab()
    [doc] = docbin.get_docs(vocab)
    assert len(doc) == len(sentence.text)  # one token per character
    assert [(e.start, e.end, e.label_) for e in doc.ents] == sentence.spans
    assert [t.tag_ for t in doc[:7]] == ["B-ORGANIZATION", "I-ORGANIZATION", "I-ORGANIZATION", "E-ORGANIZATION",
                                         "B-ROLE", "E-ROLE", "B-PERSON"]


def test_cluener_conversion_rejects_wrong_offsets(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"text": "张三", "label": {"name": {"张三": [[1, 2]]}}}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError):
        list(training_data.read_cluener(path))


def test_missing_stretches_are_neither_entity_nor_outside():
    [sentence] = training_data.mark_missing([training_data.Sentence("国务院总理李鹏说", [(5, 7, "PERSON")])], ["总理", "李鹏"])
    assert sentence.missing == [(3, 5)]  # 李鹏 is an entity already
    assert training.sentence_tags(sentence) == ["O", "O", "O", "", "", "B-PERSON", "E-PERSON", "O"]


def test_decontamination_drops_sentences_sharing_a_stretch_with_held_out_text():
    held_out = [training_data.Sentence("新华社北京一月一日电国家主席发表新年贺词", [])]
    kept, dropped = training_data.decontaminate(
        [training_data.Sentence("据新华社北京一月一日电国家主席发表讲话", []), training_data.Sentence("完全无关的句子", [])],
        held_out, n=12)
    assert [s.text for s in kept] == ["完全无关的句子"] and dropped == 1


def test_scores_are_exact_span_scores():
    gold = [[(0, 2, "PERSON"), (3, 5, "PLACE")]]
    predicted = [[(0, 2, "PERSON"), (3, 6, "PLACE")]]
    scores = training.score_spans(gold, predicted, ["PERSON", "PLACE"])
    assert scores["PERSON"].f1 == 1.0 and scores["PLACE"].f1 == 0.0
    assert (scores["ALL"].gold, scores["ALL"].predicted, scores["ALL"].correct) == (2, 2, 1)


# ------------------------------------------------------------------------------------------ training

def test_training_a_few_steps_writes_a_loadable_model(tmp_path):
    sentences = [training_data.Sentence("张三在北京工作", [(0, 2, "PERSON"), (3, 5, "PLACE")]),
                 training_data.Sentence("李四是星河公司经理", [(0, 2, "PERSON"), (3, 7, "ORGANIZATION"), (7, 9, "ROLE")])]
    size = training.ModelSize(width=16, depth=1, char_rows=500, bigram_rows=500)
    report = training.train(tmp_path / "model", max_steps=40, sentences=sentences * 10, dev=sentences,
                            eval_every=20, size=size, seed=1)
    assert report["steps"] == 40 and report["best_step"] in (20, 40)
    assert (tmp_path / "model" / "config.cfg").is_file()
    spans = predict_spans(["张三在北京工作"], model=tmp_path / "model")
    assert len(spans) == 1 and all(label in training.ENTITY_LABELS for _, _, label in spans[0])
    # same seed and steps, same model
    again = training.train(tmp_path / "again", max_steps=40, sentences=sentences * 10, dev=sentences,
                           eval_every=20, size=size, seed=1)
    assert again["best_dev_f1"] == report["best_dev_f1"]
    assert ((tmp_path / "model" / "tagger" / "model").read_bytes()
            == (tmp_path / "again" / "tagger" / "model").read_bytes())


def test_forked_worker_loads_its_own_model_and_agrees():
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork")
    expected = predict_spans([SENTENCE])  # loaded in this process first
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply(predict_spans, ([SENTENCE],)) == expected


def test_train_command_on_tiny_data(tmp_path):
    from click.testing import CliRunner

    from kgraph.cli import main

    data = tmp_path / "data"
    record = {"text": "星河公司经理张三在杭州", "label": {"company": {"星河公司": [[0, 3]]}, "position": {"经理": [[4, 5]]},
                                                "name": {"张三": [[6, 7]]}, "address": {"杭州": [[9, 10]]}}}
    for name in ("train.json", "dev.json"):
        (data / "cluener").mkdir(parents=True, exist_ok=True)
        (data / "cluener" / name).write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    bmes = "李 B-NAME\n四 E-NAME\n任 O\n经 B-TITLE\n理 E-TITLE\n"
    (data / "resume").mkdir()
    for name in ("train.char.bmes", "dev.char.bmes"):
        (data / "resume" / name).write_text(bmes, encoding="utf-8")
    (data / "peoples_daily").mkdir()
    (data / "peoples_daily" / "example.dev").write_text("王 B-PER\n五 I-PER\n", encoding="utf-8")
    news = data / "news_annotated"
    news.mkdir()
    (news / "a.txt").write_text("星河公司经理张三在杭州。", encoding="utf-8")
    gold = {"file": "a.txt", "persons": [{"name": "张三", "aliases": []}],
            "organizations": [{"name": "星河公司", "aliases": []}],
            "positions": [{"person": "张三", "title": "经理", "org": "星河公司"}]}
    (news / "a.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    assert not is_dev_article("a.json")  # so the article is trained on
    result = CliRunner().invoke(main, ["train", "--data", str(data), "--output", str(tmp_path / "model"),
                                       "--max-steps", "5", "--no-evaluate"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["steps"] == 5 and report["news_train"] == 1
    assert report["train_sentences"] == 2 + report["news_copies"]
    assert report["news_projection"]["labelled"] == {"ORGANIZATION": 1, "ROLE": 1, "PERSON": 1}
    assert (tmp_path / "model" / "tagger" / "model").is_file()
    without = CliRunner().invoke(main, ["train", "--data", str(data), "--output", str(tmp_path / "model2"),
                                        "--max-steps", "5", "--no-evaluate", "--no-annotated-news"])
    assert json.loads(without.stdout)["train_sentences"] == 2


def test_train_command_names_missing_annotated_news(tmp_path):
    from click.testing import CliRunner

    from kgraph.cli import main

    data = tmp_path / "data"
    for part in ("cluener/train.json", "resume/train.char.bmes"):
        (data / part).parent.mkdir(parents=True, exist_ok=True)
        (data / part).write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["train", "--data", str(data), "--max-steps", "1", "--no-evaluate"])
    assert result.exit_code != 0 and "news_annotated" in result.output


# ------------------------------------------------------------------------------------------ annotated news

class Word:
    def __init__(self, word: str, flag: str = "x"):
        self.word, self.flag = word, flag


class FixedSegmenter:
    """jieba.posseg's interface with a fixed segmentation, so the tests do not depend on jieba's dictionary."""

    def __init__(self, *words: tuple[str, str] | str):
        self.words = [Word(*w) if isinstance(w, tuple) else Word(w) for w in words]

    def cut(self, text: str, HMM: bool = True):  # jieba.posseg names the keyword HMM
        assert "".join(w.word for w in self.words) == text
        return iter(self.words)


def test_projection_labels_annotated_strings_longest_first():
    text = "阿里巴巴集团CEO张勇说，阿里将投资。"
    gold = {"persons": [{"name": "张勇", "aliases": []}],
            "organizations": [{"name": "阿里巴巴集团", "aliases": ["阿里"]}],
            "positions": [{"person": "张勇", "title": "CEO", "org": "阿里巴巴集团"}]}
    segmenter = FixedSegmenter("阿里巴巴", "集团", "CEO", "张勇", "说", "，", "阿里", "将", "投资", "。")
    counts = ProjectionCounts()
    spans, missing = project_article(text, gold, segmenter=segmenter, counts=counts)
    assert [(text[s:e], label) for s, e, label in spans] == [
        ("阿里巴巴集团", "ORGANIZATION"), ("CEO", "ROLE"), ("张勇", "PERSON"), ("阿里", "ORGANIZATION")]
    assert missing == [] and counts.labelled == {"ORGANIZATION": 2, "ROLE": 1, "PERSON": 1}


def test_projection_marks_uncertain_matches_missing():
    text = "平安夜，BIG公司的记者在北京见到IG和王某。"
    gold = {"persons": [{"name": "王某", "aliases": [], "optional": True}],
            "organizations": [{"name": "平安", "aliases": []}, {"name": "IG", "aliases": []}], "positions": []}
    segmenter = FixedSegmenter("平安夜", "，", "BIG", "公司", "的", "记者", "在", ("北京", "ns"), "见到", "IG", "和",
                               "王某", "。")
    counts = ProjectionCounts()
    spans, missing = project_article(text, gold, known_titles=["记者"], segmenter=segmenter, counts=counts)
    assert [(text[s:e], label) for s, e, label in spans] == [("IG", "ORGANIZATION")]
    # 平安 cuts the word 平安夜, IG runs on in BIG, 记者 is no title of this article, 北京 is a place,
    # 王某 is optional
    assert [text[s:e] for s, e in missing] == ["平安", "IG", "记者", "北京", "王某"]
    assert (counts.missing_cuts_word, counts.missing_latin_run_on, counts.missing_other_title,
            counts.missing_place, counts.missing_optional) == (1, 1, 1, 1, 1)


def test_article_sentences_shift_spans_into_pieces():
    text = "张三说。" + "好" * 250 + "。李四来了。"
    spans = [(0, 2, "PERSON"), (len(text) - 5, len(text) - 3, "PERSON")]
    pieces = article_sentences(text, spans, [(4, 6)])
    assert "".join(p.text for p in pieces) == text
    found = [(p.text[s:e], label) for p in pieces for s, e, label in p.spans]
    assert found == [("张三", "PERSON"), ("李四", "PERSON")]
    assert any(p.missing and p.text[p.missing[0][0]:p.missing[0][1]] == "好好" for p in pieces)


def test_news_dev_split_is_a_tenth_by_article_name():
    names = [f"sina-{i:04d}.json" for i in range(2000)]
    held_out = [n for n in names if is_dev_article(n)]
    assert 150 < len(held_out) < 250
    assert held_out == [n for n in names if is_dev_article(n)]  # a property of the name alone


def test_scores_ignore_predictions_in_unknown_stretches():
    gold = [[(0, 2, "PERSON")]]
    predicted = [[(0, 2, "PERSON"), (4, 6, "ORGANIZATION"), (8, 9, "PERSON")]]
    scores = training.score_spans(gold, predicted, ["PERSON", "ORGANIZATION"], unknown=[[(3, 7)]])
    assert (scores["ALL"].correct, scores["ALL"].predicted, scores["ALL"].gold) == (1, 2, 1)


def test_model_card_documents_the_annotated_news_and_their_projection():
    from kgraph.model_card import model_card

    report = {"seed": 0, "size": {"width": 48, "depth": 6, "window": 1, "maxout_pieces": 2}, "steps": 10,
              "news_articles": 20, "news_dev_articles": ["sina-0001.json", "sina-0002.json"], "news_train": 90,
              "news_dev": 9, "news_copies": 3,
              "news_projection": {"labelled": {"PERSON": 5, "ORGANIZATION": 7, "ROLE": 2}, "missing_optional": 1,
                                  "missing_single_char": 0, "missing_cuts_word": 4, "missing_latin_run_on": 0,
                                  "missing_other_title": 3, "missing_place": 6},
              "dev_scores": {"news_annotated_dev": {"PERSON": {"p": 0.9, "r": 0.8, "f1": 0.847, "gold": 10}}}}
    card = model_card(report, "kgraph train --max-steps 10", "ner_zh")
    assert "2 articles are held" in card and "sina-0001, sina-0002" in card
    assert "| PERSON / ORGANIZATION / ROLE spans labelled | 5 / 7 / 2 |" in card
    assert "news_annotated, held-out articles | PERSON | 0.900 | 0.800 | **0.847** | 10 |" in card
    without = model_card({"seed": 0, "size": {}}, "kgraph train", "ner_zh")
    assert "no annotated news articles were used" in without
