"""Parse the cells planners type: 1,234 / １２３４ / 12.5% / 10多 / blanks and dashes, and refuse formulas."""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

EARLIEST_YEAR = 1985  # the Patent Law of the People's Republic of China took effect on 1 April 1985
MISSING = {"", "-", "--", "---", "—", "——", "–", "/", "\\", "…", "...", "na", "n/a", "nan", "null", "none", "无",
           "暂无", "空", "不详"}
FORMULA_START = ("=", "+", "-", "@")
_PLAIN = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
# A tag (<b, </script, <!--, <?xml) or a character reference (&lt; &#60; &#x3c;); "R&D" and "<2021>" are fine.
_MARKUP = re.compile(r"<\s*(?:[/!?]?\s*[a-zA-Z]|!--)|&(?:#\d+|#[xX][0-9a-fA-F]+|[a-zA-Z]{2,8});")
# Invisible characters that reorder or hide text (the right-to-left override U+202E turns "gpj.csv" around),
# and control characters; tab and line breaks only where a multi-line text is allowed.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")
_CONTROL_LINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_YEAR = re.compile(r"^(\d{4})(?:\.0+)?(?:年|年度|年末|年底)?$")
LOWER_BOUND = (("超过", ">"), ("大于", ">"), ("逾", ">"), (">", ">"), ("不足", "<"), ("小于", "<"), ("低于", "<"),
               ("<", "<"))
UPPER_SUFFIX = ("多", "余", "+")


@dataclass(frozen=True)
class Parsed:
    """A cell read as a number, or why not. `missing` marks a blank or a dash: no value, not an error."""

    value: float | None = None
    qualifier: str = "="
    percent: bool = False
    missing: bool = False
    problem: str | None = None  # code: formula, not_a_number, formula_no_value
    text: str = ""


def clean(cell: object) -> str:
    """Full-width digits and signs to ASCII (NFKC), spaces and thin spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(cell)))


def looks_like_markup(text: str) -> bool:
    """Text holding an HTML tag or character reference: a source or note is plain text, shown as typed."""
    return bool(_MARKUP.search(text))


def text_problem(text: str, limit: int | None = None, one_line: bool = False) -> str | None:
    """Why a free text (source, note, name, uploader, file name) is refused, as a report code, or None.

    Template syntax ({{ }}, {% %}, {# #}) is ordinary text here: it is stored and shown literally.
    """
    if text.startswith(FORMULA_START):
        return "text_formula"
    if looks_like_markup(text):
        return "markup"
    if (_CONTROL_LINE if one_line else _CONTROL).search(text):
        return "control"
    if limit is not None and len(text) > limit:
        return "too_long"
    return None


def visible(text: str) -> str:
    """Text for a report line: control and direction characters written as U+XXXX, so the report shows them."""
    return _CONTROL_LINE.sub(lambda m: f"U+{ord(m.group()):04X}", text)


def looks_like_formula(text: str) -> bool:
    """Text a spreadsheet would run as a formula (=, +, -, @ first) and that is not a plain number."""
    s = text.strip()
    return s.startswith(FORMULA_START) and not _PLAIN.match(clean(s)) and not _GROUPED.match(clean(s))


def parse_number(cell: object, units: tuple[str, ...] = ()) -> Parsed:
    """A number from a cell; thousands separators, full-width digits, %, a trailing unit and 10多 / >10 allowed."""
    if cell is None:
        return Parsed(missing=True)
    if isinstance(cell, bool):
        return Parsed(problem="not_a_number", text=str(cell))
    if isinstance(cell, int | float):
        return Parsed(float(cell)) if math.isfinite(cell) else Parsed(problem="not_a_number", text=str(cell))
    raw = str(cell).strip()
    s = clean(raw)
    if s.lower() in MISSING:
        return Parsed(missing=True, text=raw)
    if raw.startswith(("=", "@")) or (raw[:1] in "+-" and looks_like_formula(raw)):
        return Parsed(problem="formula", text=raw)
    qualifier = "="
    for word, q in LOWER_BOUND:
        if s.startswith(word):
            s, qualifier = s[len(word):], q
            break
    if s.startswith("约"):
        s = s[1:]
    percent = s.endswith("%")
    s = s.rstrip("%")
    for u in sorted(units, key=len, reverse=True):
        if u and u != "%" and s.endswith(u):
            s = s[: -len(u)]
            break
    if s.endswith(UPPER_SUFFIX) and len(s) > 1:
        s, qualifier = s[:-1], ">"
    if _GROUPED.match(s):
        s = s.replace(",", "")
    if not _PLAIN.match(s) or not math.isfinite(value := float(s)):  # 1e400 and 50,000 nines are no figures
        return Parsed(problem="not_a_number", text=raw)
    return Parsed(value, qualifier, percent, text=raw)


def parse_year(cell: object, latest: int | None = None) -> tuple[int | None, str | None]:
    """(year, None) or (None, problem code): '2016', 2016.0, '2016年', '２０１６年度'; 1985 to this year."""
    latest = latest or date.today().year
    if isinstance(cell, bool) or cell is None:
        return None, "year_missing" if cell is None else "year_not_a_year"
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    m = _YEAR.match(clean(cell)) if not isinstance(cell, int) else None
    year = cell if isinstance(cell, int) else int(m.group(1)) if m else None
    if year is None:
        return None, "year_missing" if clean(cell) == "" else "year_not_a_year"
    if not EARLIEST_YEAR <= year <= latest:
        return None, "year_out_of_range"
    return year, None


def header_year(cell: object) -> int | None:
    """A column header that is a year (2016, '2016年'), for wide files with one column per year."""
    if isinstance(cell, bool) or cell is None:
        return None
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, int):
        return cell if 1900 <= cell <= 2100 else None
    m = _YEAR.match(clean(cell))
    return int(m.group(1)) if m and 1900 <= int(m.group(1)) <= 2100 else None
