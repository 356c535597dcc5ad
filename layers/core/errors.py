"""Errors raised by layers/, mapped to HTTP statuses in one place by server/errors.py."""

from __future__ import annotations


class LayersError(Exception):
    """Base class for indicator and map errors."""


class UnknownParameterError(LayersError):
    """A parameter value outside what the data holds; names the parameter and the allowed values."""

    def __init__(self, param: str, value: object, allowed: list[str]):
        self.param, self.value, self.allowed = param, value, allowed
        shown = ", ".join(map(str, allowed[:60])) or "none"
        super().__init__(f"unknown {param} {value!r}; allowed: {shown}")


class NotFoundError(LayersError):
    """A region, dataset or other object that does not exist."""

    def __init__(self, what: str, key: object):
        self.what, self.key = what, key
        super().__init__(f"no {what} {key!r}")


class ZoneDataError(LayersError):
    """The zones file names an adcode, type or parent zone that does not exist; says which."""


class UnreadableFileError(LayersError):
    """An upload that cannot be read at all: wrong encoding, not CSV or XLSX, empty, too big once unpacked."""

    @property
    def report(self) -> list[dict[str, object]]:
        """The reason as a one-line import report, so every refused upload answers in the same shape."""
        return [{"row": None, "column": "file", "problem": str(self), "suggestion": None, "code": "unreadable",
                 "severity": "error"}]


class ImportRejectedError(LayersError):
    """An upload that was read but has problems; carries the row-by-row report. Nothing was written."""

    def __init__(self, detail: str, report: list[dict[str, object]], summary: dict[str, object]):
        self.report, self.summary = report, summary
        super().__init__(detail)


class StoreSchemaError(LayersError):
    """A store (or a backup) this release cannot use: made by a newer release, or not an indicator store at all."""


class DatasetStateError(LayersError):
    """A publish or retract that does not fit the dataset's state (publishing a published dataset, retracting a
    draft); says which state it is in."""


class AccountError(LayersError):
    """An account change that cannot be made: an unknown user or role, a name taken, a password too short."""
