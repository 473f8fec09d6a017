"""Dates as Chinese news states them (5月13日, 今年4月30日, 2021年12月), resolved against the article's date."""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

DATE_RE = re.compile(
    r"(?:(?P<year>(?:19|20)\d{2})年|(?P<rel>今年|去年|明年|前年))?"
    r"(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12]\d|0?[1-9])[日号])?)?"
)
_RELATIVE_YEARS = {"今年": 0, "去年": -1, "明年": 1, "前年": -2}


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    text: str
    value: str | None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY; None when no year can be known

    @property
    def is_full_date(self) -> bool:
        return self.value is not None and len(self.value) == 10


def reference_year(document_date: str | None) -> int | None:
    if document_date and re.match(r"\d{4}", document_date):
        return int(document_date[:4])
    return None


def find_dates(text: str, document_date: str | None = None) -> list[DateMention]:
    ref = reference_year(document_date)
    found = []
    for m in DATE_RE.finditer(text):
        if not m.group(0) or not (m.group("month") or m.group("year")):
            continue
        if m.group("year") is None and m.group("rel") is None and m.group("month") is None:
            continue
        if m.group("rel") and not m.group("month"):
            continue  # 今年 alone is a period, not a date
        year = None
        if m.group("year"):
            year = int(m.group("year"))
        elif ref is not None:
            year = ref + _RELATIVE_YEARS.get(m.group("rel") or "今年", 0)
        value = None
        if year is not None:
            value = f"{year:04d}"
            if m.group("month"):
                value += f"-{int(m.group('month')):02d}"
                if m.group("day"):
                    try:  # 2月30日 is no date
                        value = datetime.date(year, int(m.group("month")), int(m.group("day"))).isoformat()
                    except ValueError:
                        continue
        found.append(DateMention(m.start(), m.end(), m.group(0), value))
    return found
