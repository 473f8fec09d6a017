"""Precision, recall and F1 (:class:`Score`) and precision per confidence bucket (:class:`Calibration`), for
``kgraph eval`` and the statistical model's training."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

BUCKETS = ((">=0.9", 0.9, math.inf), ("0.8-0.9", 0.8, 0.9), ("0.6-0.8", 0.6, 0.8), ("<0.6", -math.inf, 0.6))


@dataclass
class Score:
    """Counts behind precision and recall: ``correct`` predictions match gold, ``found`` gold items are matched."""

    gold: int = 0
    predicted: int = 0
    correct: int = 0
    found: int = 0
    note: str = ""

    @property
    def precision(self) -> float | None:
        return self.correct / self.predicted if self.predicted else None

    @property
    def recall(self) -> float | None:
        return self.found / self.gold if self.gold else None

    @property
    def f1(self) -> float | None:
        if not self.gold and not self.predicted:
            return None
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> Score:
        self.gold += other.gold
        self.predicted += other.predicted
        self.correct += other.correct
        self.found += other.found
        return self

    def to_dict(self) -> dict[str, Any]:
        out = {"gold": self.gold, "predicted": self.predicted, "correct": self.correct, "found": self.found,
               "precision": _round(self.precision), "recall": _round(self.recall), "f1": _round(self.f1)}
        if self.note:
            out["note"] = self.note
        return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def bucket_of(confidence: float) -> str:
    c = round(confidence, 3)  # 0.85 - 0.05 is 0.7999999999999999, which belongs to 0.8-0.9
    return next(label for label, lo, hi in BUCKETS if lo <= c < hi)


@dataclass
class Calibration:
    """Predicted items and how many were right, per confidence bucket."""

    counts: dict[str, list[int]] = field(default_factory=lambda: {b[0]: [0, 0] for b in BUCKETS})

    def add(self, confidence: float, correct: bool) -> None:
        cell = self.counts[bucket_of(confidence)]
        cell[0] += 1
        cell[1] += bool(correct)

    def merge(self, other: Calibration) -> None:
        for label, (n, ok) in other.counts.items():
            self.counts[label][0] += n
            self.counts[label][1] += ok

    def rows(self) -> list[tuple[str, int, int, float | None]]:
        """Each bucket, then ``>=0.8`` (all predictions at confidence 0.8 or more)."""
        rows = [(label, n, ok, ok / n if n else None) for label, (n, ok) in self.counts.items()]
        n = sum(self.counts[b][0] for b in (">=0.9", "0.8-0.9"))
        ok = sum(self.counts[b][1] for b in (">=0.9", "0.8-0.9"))
        return rows + [(">=0.8", n, ok, ok / n if n else None)]

    def to_dict(self) -> dict[str, Any]:
        return {label: {"predicted": n, "correct": ok, "precision": _round(p)} for label, n, ok, p in self.rows()}


__all__ = ["BUCKETS", "Calibration", "Score", "bucket_of"]
