"""The import report's shapes: options declared with an upload, one report line, and a validation result."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from layers.core.i18n import t

MAX_REPORT = 500


@dataclass(frozen=True)
class Options:
    """What the upload declares besides the file."""

    level: str | None = None
    indicator: str | None = None
    year: int | None = None
    source: str = ""
    lang: str = "zh"


@dataclass
class Issue:
    """One line of the report: row as the planner sees it (1-based, header included), column header, problem."""

    row: int | None
    column: str | None
    code: str
    problem: str
    suggestion: str | None
    severity: str = "error"

    def as_dict(self) -> dict[str, object]:
        """The report row as sent: row, column, problem, suggestion, plus code and severity."""
        return {"row": self.row, "column": self.column, "problem": self.problem, "suggestion": self.suggestion,
                "code": self.code, "severity": self.severity}


@dataclass
class Validated:
    """The observations a commit would write, and the report."""

    observations: pd.DataFrame
    issues: list[Issue]
    summary: dict[str, object]
    names: dict[str, str] = field(default_factory=dict)  # region text as written -> adcode (how names matched)

    @property
    def errors(self) -> list[Issue]:
        """Issues that block a commit."""
        return [i for i in self.issues if i.severity == "error"]

    def report(self) -> list[dict[str, object]]:
        """Errors first, then warnings, each in file order; capped, with a line saying how many more."""
        ordered = sorted(self.issues, key=lambda i: (i.severity != "error", i.row or 0))
        out = [i.as_dict() for i in ordered[:MAX_REPORT]]
        if len(ordered) > MAX_REPORT:
            lang = str(self.summary.get("lang", "zh"))
            out.append(Issue(None, None, "more", t("imp_more", lang, n=len(ordered) - MAX_REPORT), None,
                             "info").as_dict())
        return out
