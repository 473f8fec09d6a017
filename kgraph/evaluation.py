"""Scoring kgraph's own pipeline against gold data: NER corpora, DuIE relation triples and gold graphs.

Every sentence (or article) goes through the real pipeline (:func:`kgraph.pipeline.make_nlp`); what kgraph
found is compared with the gold annotation:

* NER (CLUENER, Resume, People's Daily): kgraph's mentions are the spans of ``doc.spans["kg_mentions"]``,
  labelled by :data:`KGRAPH_LABELS` (PERSON -> person, ORGANIZATION and BRAND -> organization, PLACE ->
  place, ROLE -> title). BRAND counts as organization because the corpora have no brand type and label
  brand names company/ORG (on the shared dev sets kgraph finds no BRAND span, so the choice does not
  change their figures). Two matches are scored: *exact span*
  (same start, end and type) and *entity string* (per sentence, the multiset of (type, surface string)).
* DuIE: 董事长 and 创始人 (company -> person) against kgraph's memberships with a chair title and its
  founders, 简称 against organisation aliases stated in the sentence. A gold name matches a kgraph entity
  when it equals its canonical name, one of its aliases or the text of one of its mentions.
* Gold graphs (the form of ``shared/eval/seed-gold.json``): people, organisations, brands, places,
  positions (``any_of`` alternatives), heads, founders, units, initiatives and their proposers.

Precision is the share of kgraph's items that match some gold item; recall the share of gold items some
kgraph item matches (for NER both count the same matched pairs). Calibration: precision per confidence
bucket, for entity mentions (the owning entity's confidence) and for relation facts (evidence confidence).
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .datasets import DATASETS, Example, GoldGraph, RelationExample, read_cluener, read_duie, read_gold_graph, read_tagged
from .nlp.confidence import ROLE_LEXICON  # the confidence a title (ROLE) mention is scored at
from .scores import Calibration, Score
from .settings import PipelineSettings, resolve

KGRAPH_LABELS = {"PERSON": "person", "ORGANIZATION": "organization", "BRAND": "organization",
                 "PLACE": "place", "ROLE": "title"}
TYPE_ORDER = ("person", "organization", "place", "title")
LABEL_MAPS = {
    "cluener": {"name": "person", "company": "organization", "organization": "organization",
                "government": "organization", "position": "title", "address": "place"},
    "resume": {"NAME": "person", "ORG": "organization", "TITLE": "title", "LOC": "place"},
    "peoples-daily": {"PER": "person", "ORG": "organization", "LOC": "place"},
}
DUIE_PREDICATES = ("董事长", "创始人", "简称", "总部地点", "成立日期")
DUIE_EXTRACTED = ("董事长", "创始人", "简称")
DUIE_COMBINED = ("董事长", "创始人")
CHAIR_TITLES = ("董事长", "董事局主席", "董事会主席")
NOT_CHAIR = ("副", "名誉", "荣誉")

Mention = tuple[int, int, str, float]       # start, end (exclusive), type, confidence
PredictedTriple = tuple[str, frozenset, frozenset, "float | None"]  # subject and object: accepted names


@dataclass
class Report:
    """What ``kgraph eval`` prints: score tables (sections), calibration, error counts and examples."""

    dataset: str
    source: str
    examples: int
    segmenter: str = "jieba"
    sections: dict[str, dict[str, Score]] = field(default_factory=dict)
    calibration: dict[str, Calibration] = field(default_factory=dict)
    errors: dict[str, Counter] = field(default_factory=dict)          # type -> error kind -> count
    error_examples: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset, "source": self.source, "examples": self.examples, "segmenter": self.segmenter,
            "sections": {name: {row: s.to_dict() for row, s in rows.items()} for name, rows in self.sections.items()},
            "calibration": {name: c.to_dict() for name, c in self.calibration.items()},
            "errors": {t: dict(sorted(c.items())) for t, c in self.errors.items()},
            "error_examples": self.error_examples,
            "notes": self.notes,
        }


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def _width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _ljust(text: str, width: int) -> str:
    """Pad to ``width`` terminal columns (a Chinese character takes two)."""
    return text + " " * max(0, width - _width(text))


def format_report(report: Report) -> str:
    """The report as plain-text tables (P, R, F1 in percent; - where undefined)."""
    lines = [f"{report.dataset}: {report.source} ({report.examples} examples, segmenter {report.segmenter})"]
    for name, rows in report.sections.items():
        width = max([_width(name)] + [_width(r) for r in rows]) + 2
        lines += ["", f"{_ljust(name, width)}{'gold':>6}{'found':>7}{'pred':>7}{'correct':>8}{'P':>7}{'R':>7}{'F1':>7}"]
        for row, s in rows.items():
            lines.append(f"{_ljust(row, width)}{s.gold:>6}{s.found:>7}{s.predicted:>7}{s.correct:>8}"
                         f"{_pct(s.precision):>7}{_pct(s.recall):>7}{_pct(s.f1):>7}" + (f"  {s.note}" if s.note else ""))
    if report.calibration:
        names = list(report.calibration)
        width = max(16, *(_width(n) + 2 for n in names))
        lines += ["", "calibration: precision by confidence (correct/predicted)",
                  ("confidence  " + "".join(_ljust(n, width) for n in names)).rstrip()]
        columns = [c.rows() for c in report.calibration.values()]
        for i, label in enumerate(r[0] for r in columns[0]):
            cells = [_ljust(f"{_pct(col[i][3]):>5} {col[i][2]}/{col[i][1]}", width) for col in columns]
            lines.append(f"{label:<12}" + "".join(cells).rstrip())
    if report.errors:
        lines += ["", "errors (exact span)"]
        lines += [f"  {t}: " + ", ".join(f"{k} {n}" for k, n in sorted(c.items())) for t, c in report.errors.items()]
    lines += [f"note: {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def write_report(report: Report, path: str | Path) -> None:
    from .io import atomic_write

    with atomic_write(path) as fh:
        fh.write(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n")


# -- running kgraph -----------------------------------------------------------------------------------
def run_pipeline(items: Iterable[tuple[str, str]], settings: PipelineSettings | str | None = None,
                 batch_size: int = 64,
                 progress: Callable[[], None] | None = None) -> Iterator:
    """spaCy docs for (id, text) pairs, through ``nlp.pipe``; offsets refer to the text as given."""
    from .loaders import document_from_text
    from .model import Document
    from .pipeline import make_nlp

    nlp = make_nlp(resolve(settings))

    def docs():
        for doc_id, text in items:
            document = document_from_text(text, id=doc_id) if text.strip() else Document(doc_id, text)
            if document.text != text:  # newline or BOM normalisation would shift the gold offsets
                document = Document(doc_id, text)
            doc = nlp.make_doc(document.text)
            doc._.kg_doc_id = document.id
            doc._.kg_doc_date = document.date
            yield doc

    for doc in nlp.pipe(docs(), batch_size=batch_size):
        if progress:
            progress()
        yield doc


def kgraph_mentions(doc, labels: dict[str, str] = KGRAPH_LABELS) -> list[Mention]:
    """The mentions of ``doc.spans["kg_mentions"]`` as (start, end, type, confidence)."""
    confidence = {(e["kind"], e["name"]): e["confidence"] for e in doc._.kg_entities or []}
    out = []
    for span in doc.spans.get("kg_mentions", []):
        kind = labels.get(span.label_)
        if kind is None:
            continue
        conf = ROLE_LEXICON if span.label_ == "ROLE" else confidence.get((span.label_.lower(), span.kb_id_), 0.5)
        out.append((span.start_char, span.end_char, kind, conf))
    return out


def is_chair_title(title: str | None) -> bool:
    """董事长, 联席董事长, 董事局主席 … (DuIE's 董事长), not 副董事长 or 名誉董事长."""
    return bool(title) and title.endswith(CHAIR_TITLES) and not any(w in title for w in NOT_CHAIR)


def _entity_names(doc) -> dict[tuple[str, str], frozenset]:
    """Every entity's accepted names: canonical name, aliases and the text of its mentions."""
    return {(e["kind"], e["name"]): frozenset({e["name"], *e.get("aliases", ()),
                                              *(doc.text[s:t] for s, t in e.get("mentions", ()))})
            for e in doc._.kg_entities or []}


def kgraph_relations(doc) -> list[PredictedTriple]:
    """kgraph's facts in DuIE's terms: 董事长 and 创始人 (company -> person), 简称 (name -> alias)."""
    names = _entity_names(doc)

    def of(ref) -> frozenset:
        return names.get(tuple(ref), frozenset({ref[1]}))

    out: list[PredictedTriple] = []
    for f in doc._.kg_facts or []:
        conf = f["evidence"]["confidence"]
        if f["relation"] == "member_of" and is_chair_title(f["props"].get("title")):
            out.append(("董事长", of(f["object"]), of(f["subject"]), conf))
        elif f["relation"] == "founded":
            out.append(("创始人", of(f["object"]), of(f["subject"]), conf))
    for e in doc._.kg_entities or []:
        if e["kind"] not in ("organization", "brand"):
            continue
        for alias in e.get("aliases", ()):
            # only aliases this sentence states: the alias and another name of the entity both occur in it
            others = names[(e["kind"], e["name"])] - {alias}
            if alias in doc.text and any(n in doc.text for n in others):
                out.append(("简称", others, frozenset({alias}), None))
    return out


# -- scoring ------------------------------------------------------------------------------------------
def _types(label_map: dict[str, str]) -> list[str]:
    values = set(label_map.values())
    return [t for t in TYPE_ORDER if t in values] + sorted(values - set(TYPE_ORDER))


def _micro(rows: dict[str, Score]) -> Score:
    total = Score()
    for s in rows.values():
        total.add(s)
    return total


def score_ner(examples: Sequence[Example], predictions: Sequence[Sequence[Mention]], label_map: dict[str, str],
              *, dataset: str = "ner", source: str = "", segmenter: str = "jieba",
              max_error_examples: int | None = 5) -> Report:
    """Per-type exact-span and entity-string P/R/F1, calibration and error kinds of predicted mentions.

    Gold labels outside ``label_map`` and predicted types not among its values are ignored.
    ``max_error_examples`` caps the examples kept per (type, error kind); None keeps all.
    """
    types = _types(label_map)
    exact = {t: Score() for t in types}
    string = {t: Score() for t in types}
    calibration = {t: Calibration() for t in ["all", *types]}
    errors = {t: Counter() for t in types}
    kept = Counter()
    report = Report(dataset, source, len(examples), segmenter)
    for ex, preds in zip(examples, predictions, strict=True):
        gold = {(s, e, label_map[label]) for s, e, label in ex.spans if label in label_map}
        conf: dict[tuple[int, int, str], float] = {}
        for s, e, t, c in preds:
            if t in exact:
                conf[(s, e, t)] = max(c, conf.get((s, e, t), 0.0))
        for t in types:
            g = {x for x in gold if x[2] == t}
            p = {x for x in conf if x[2] == t}
            tp = len(g & p)
            exact[t].add(Score(len(g), len(p), tp, tp))
            gs = Counter(ex.text[s:e] for s, e, _ in g)
            ps = Counter(ex.text[s:e] for s, e, _ in p)
            tp = sum((gs & ps).values())
            string[t].add(Score(sum(gs.values()), sum(ps.values()), tp, tp))
        for span, c in sorted(conf.items()):
            calibration["all"].add(c, span in gold)
            calibration[span[2]].add(c, span in gold)
        # gold spans of labels that are not scored (book, game …) still tell a wrong type from a spurious span
        unscored = {(s, e, f"other:{label}") for s, e, label in ex.spans if label not in label_map}
        for side, kind, span, other in _span_errors(gold, set(conf), unscored):
            name = f"{side} {kind}"
            errors[span[2]][name] += 1
            if max_error_examples is None or kept[(span[2], name)] < max_error_examples:
                kept[(span[2], name)] += 1
                report.error_examples.append({
                    "id": ex.id, "type": span[2], "error": name, "text": ex.text[span[0]:span[1]],
                    "other": None if other is None else [ex.text[other[0]:other[1]], other[2]], "sentence": ex.text})
    exact["micro"] = _micro(exact)
    string["micro"] = _micro(string)
    report.sections = {"exact span": exact, "entity string": string}
    report.calibration = {("all mentions" if t == "all" else t): c for t, c in calibration.items()}
    report.errors = {t: c for t, c in errors.items() if c}
    return report


def _span_errors(gold: set, pred: set, unscored: set = frozenset()) -> Iterator[tuple[str, str, tuple, tuple | None]]:
    """(fp|fn, spurious|missed|boundary|wrong type, the span, the gold/predicted span it collides with)."""
    def collide(span, others):
        others = sorted(others)  # sets of strings iterate in a per-process order; the report must not
        same = [o for o in others if o[:2] == span[:2] and o[2] != span[2]]
        if same:
            return "wrong type", same[0]
        near = [o for o in others if o[2] == span[2] and o[0] < span[1] and span[0] < o[1]]
        return ("boundary", near[0]) if near else (None, None)

    for span in sorted(pred - gold):
        kind, other = collide(span, gold | unscored)
        yield "fp", kind or "spurious", span, other
    for span in sorted(gold - pred):
        kind, other = collide(span, pred)
        yield "fn", kind or "missed", span, other


def _match(gold: Sequence[Sequence[tuple]], preds: dict[tuple, float | None],
           optional: Sequence[Sequence[tuple]] = ()) -> tuple[Score, dict[tuple, bool]]:
    """Gold items (each a list of accepted readings, a reading a tuple of names) against predicted items
    (tuples of name sets). Predictions that only match optional gold items are left out of the count."""
    def hits(reading: tuple, pred: tuple) -> bool:
        return all(r in p for r, p in zip(reading, pred, strict=True))

    correct: dict[tuple, bool] = {}
    for p in preds:
        if any(hits(r, p) for item in gold for r in item):
            correct[p] = True
        elif not any(hits(r, p) for item in optional for r in item):
            correct[p] = False
    found = sum(1 for item in gold if any(hits(r, p) for r in item for p in preds))
    return Score(len(gold), len(correct), sum(correct.values()), found), correct


def score_relations(examples: Sequence[RelationExample], predictions: Sequence[Sequence[PredictedTriple]], *,
                    predicates: Sequence[str] = DUIE_PREDICATES, extracted: Sequence[str] = DUIE_EXTRACTED,
                    combined: Sequence[str] = DUIE_COMBINED, dataset: str = "duie", source: str = "",
                    segmenter: str = "jieba", max_error_examples: int | None = 5) -> Report:
    """Per-predicate P/R/F1 of predicted triples (subject and object as sets of accepted names).

    ``max_error_examples`` caps the false positives and misses kept per predicate; None keeps all.
    """
    rows = {p: Score(note="" if p in extracted else "not extracted") for p in predicates}
    calibration = Calibration()
    report = Report(dataset, source, len(examples), segmenter)
    kept = Counter()

    def keep(predicate: str, error: str, subject: Any, obj: Any, ex: RelationExample) -> None:
        if max_error_examples is None or kept[(predicate, error)] < max_error_examples:
            kept[(predicate, error)] += 1
            report.error_examples.append({"id": ex.id, "type": predicate, "error": error, "subject": subject,
                                          "object": obj, "sentence": ex.text})
    for ex, preds in zip(examples, predictions, strict=True):
        for predicate in predicates:
            gold = sorted({t for t in ex.triples if t[0] == predicate})
            mine: dict[tuple, float | None] = {}
            for p, subj, obj, conf in preds:
                if p == predicate:
                    key = (frozenset({p}), subj, obj)
                    mine[key] = conf if key not in mine or conf is None else max(conf, mine[key] or 0.0)
            score, correct = _match([[t] for t in gold], mine)
            rows[predicate].add(score)
            for key, ok in correct.items():
                if mine[key] is not None:
                    calibration.add(mine[key], ok)
            for key in sorted((k for k, ok in correct.items() if not ok), key=lambda k: (sorted(k[1]), sorted(k[2]))):
                keep(predicate, "fp", sorted(key[1]), sorted(key[2]), ex)
            for _, subject, obj in gold:
                if not any(subject in k[1] and obj in k[2] for k in mine):
                    keep(predicate, "fn", subject, obj, ex)
    if combined:
        rows["+".join(combined)] = _micro({p: rows[p] for p in combined})
    report.sections = {"relations": rows}
    report.calibration = {"relation facts": calibration}
    report.notes = [f"{p}: kgraph does not extract this relation (recall 0)" for p in predicates if p not in extracted]
    return report


def score_gold_graph(gold: dict[str, Any], extraction) -> tuple[dict[str, Score], dict[str, Calibration], list[str]]:
    """One article's gold graph against kgraph's :class:`~kgraph.model.Extraction` of it."""
    # a kgraph entity named by a gold alias (小李 for 李四) also answers to the gold name in relations
    gold_name = {alias: item["name"] for key in ("persons", "organizations", "brands") for item in gold.get(key, [])
                 if isinstance(item, dict) for alias in item.get("aliases", ())}
    names = {e.ref: frozenset({e.name, *e.aliases} | {gold_name[n] for n in {e.name, *e.aliases} if n in gold_name})
             for e in extraction.entities}

    def of(ref) -> frozenset:
        return names.get(tuple(ref), frozenset({ref[1]}))

    def entities(kind: str) -> dict[tuple, float]:
        return {(names[e.ref],): e.confidence for e in extraction.entities if e.kind == kind}

    def facts(*relations: str) -> dict[tuple, float]:
        out: dict[tuple, float] = {}
        for f in extraction.facts:
            if f.relation in relations:
                key = (of(f.subject), of(f.object))
                if f.relation in ("member_of", "job_title"):  # (person, title, org or None)
                    key = (key[0], frozenset({f.props.get("title")}),
                           key[1] if f.relation == "member_of" else frozenset({None}))
                out[key] = max(f.evidence.confidence, out.get(key, 0.0))
        return out

    def named(items: list) -> tuple[list, list]:
        items = [i if isinstance(i, dict) else {"name": i} for i in items]
        readings = [[(n,) for n in [i["name"], *i.get("aliases", ())]] for i in items]
        return ([r for r, i in zip(readings, items) if not i.get("optional")],
                [r for r, i in zip(readings, items) if i.get("optional")])

    def pairs(items: list, a: str, b: str) -> list:
        return [[(i[a], i[b])] for i in items]

    positions = [[(p["person"], r["title"], r.get("org")) for r in p.get("any_of") or [p]]
                 for p in gold.get("positions", [])]
    initiatives = gold.get("initiatives", {})
    # the gold names proposers for some initiatives only: a proposer kgraph gives another gold initiative is
    # neither right nor wrong
    silent = set(initiatives.get("required", []) + initiatives.get("expected", [])) - {
        p["initiative"] for p in initiatives.get("proposed_by", [])}
    proposals = {k: c for k, c in facts("proposed_by").items() if not k[0] & silent}
    checks: list[tuple[str, tuple[list, list], dict[tuple, float], str]] = [
        ("persons", named(gold.get("persons", [])), entities("person"), "entity"),
        ("organizations", named(gold.get("organizations", [])), entities("organization"), "entity"),
        ("brands", named(gold.get("brands", [])), entities("brand"), "entity"),
        ("places", named(gold.get("places", [])), entities("place"), "entity"),
        ("initiatives", named(initiatives.get("required", []) + initiatives.get("expected", [])),
         entities("initiative"), "entity"),
        ("positions", (positions, []), facts("member_of", "job_title"), "fact"),
        ("heads", (pairs(gold.get("heads", []), "person", "org"), []), facts("head_of"), "fact"),
        ("founders", (pairs(gold.get("founders", []), "person", "org"), []), facts("founded"), "fact"),
        ("sub_organizations", (pairs(gold.get("sub_organizations", []), "child", "parent"), []),
         facts("sub_organization_of"), "fact"),
        ("proposed_by", (pairs(initiatives.get("proposed_by", []), "initiative", "org"), []), proposals, "fact"),
    ]
    rows: dict[str, Score] = {}
    calibration = {"entities": Calibration(), "facts": Calibration()}
    stated = set(gold) | set(initiatives)  # the gold's keys, and proposed_by inside initiatives
    for name, (required, optional), preds, kind in checks:
        if name not in stated:  # the gold says nothing about this: kgraph's findings are neither right nor wrong
            continue
        score, correct = _match(required, preds, optional)
        rows[name] = score
        for key, ok in correct.items():
            calibration["entities" if kind == "entity" else "facts"].add(preds[key], ok)
    persons = {n for e in extraction.entities if e.kind == "person" for n in names[e.ref]}
    wrong = sorted(persons & set(gold.get("not_persons", [])))
    missing = sorted(r for r in initiatives.get("required", []) if not any(r in p[0] for p in entities("initiative")))
    notes = ([f"not persons, found as persons: {', '.join(wrong)}"] if wrong else []) + (
        [f"required initiatives missing: {', '.join(missing)}"] if missing else [])
    return rows, calibration, notes


# -- evaluations: read, run kgraph, score ---------------------------------------------------------------
def evaluate_ner(examples: Sequence[Example], label_map: dict[str, str], *,
                 settings: PipelineSettings | str | None = None,
                 dataset: str = "ner", source: str = "", batch_size: int = 64,
                 progress: Callable[[], None] | None = None, max_error_examples: int | None = 5) -> Report:
    settings = resolve(settings)
    docs = run_pipeline(((ex.id, ex.text) for ex in examples), settings, batch_size, progress)
    predictions = [kgraph_mentions(doc) for doc in docs]
    return score_ner(examples, predictions, label_map, dataset=dataset, source=source, segmenter=settings.segmenter,
                     max_error_examples=max_error_examples)


def evaluate_relations(examples: Sequence[RelationExample], *, settings: PipelineSettings | str | None = None,
                       source: str = "",
                       batch_size: int = 64, progress: Callable[[], None] | None = None,
                       max_error_examples: int | None = 5) -> Report:
    settings = resolve(settings)
    docs = run_pipeline(((ex.id, ex.text) for ex in examples), settings, batch_size, progress)
    predictions = [kgraph_relations(doc) for doc in docs]
    return score_relations(examples, predictions, source=source, segmenter=settings.segmenter,
                           max_error_examples=max_error_examples)


def evaluate_gold_graph(graphs: Sequence[GoldGraph], *, settings: PipelineSettings | str | None = None,
                        source: str = "",
                        progress: Callable[[], None] | None = None) -> Report:
    """Each gold graph's article read by kgraph's loaders and extracted; scores summed over articles."""
    from .loaders import read_document
    from .pipeline import extract_one

    settings = resolve(settings)
    report = Report("gold", source, len(graphs), settings.segmenter)
    rows: dict[str, Score] = {}
    report.calibration = {"entities": Calibration(), "facts": Calibration()}
    for graph in graphs:
        extraction = extract_one(read_document(graph.article), settings)
        doc_rows, calibration, notes = score_gold_graph(graph.data, extraction)
        for name, score in doc_rows.items():
            rows.setdefault(name, Score()).add(score)
        for name, c in calibration.items():
            report.calibration[name].merge(c)
        report.notes += [f"{graph.path.name}: {n}" for n in notes]
        if progress:
            progress()
    report.sections = {"gold graph": rows}
    return report


def evaluate_dataset(dataset: str, path: str | Path, *, limit: int | None = None,
                     settings: PipelineSettings | str | None = None,
                     root: str | Path | None = None, batch_size: int = 64,
                     progress: Callable[[], None] | None = None, max_error_examples: int | None = 5) -> Report:
    """Read ``path`` as ``dataset`` (one of :data:`DATASETS`), run kgraph on its first ``limit`` examples, score."""
    settings = resolve(settings)
    source = str(path)
    if dataset == "gold":
        return evaluate_gold_graph(read_gold_graph(path, root)[:limit], settings=settings, source=source,
                                   progress=progress)
    if dataset == "duie":
        return evaluate_relations(read_duie(path)[:limit], settings=settings, source=source,
                                  batch_size=batch_size, progress=progress, max_error_examples=max_error_examples)
    if dataset == "cluener":
        examples = read_cluener(path)
    elif dataset == "resume":
        examples = read_tagged(path, "bmes")
    elif dataset in ("peoples-daily", "msra"):
        examples, dataset = read_tagged(path, "bio"), "peoples-daily"
    else:
        raise ValueError(f"unknown data set {dataset!r}; choose one of {', '.join(DATASETS)}")
    return evaluate_ner(examples[:limit], LABEL_MAPS[dataset], settings=settings, dataset=dataset, source=source,
                        batch_size=batch_size, progress=progress, max_error_examples=max_error_examples)
