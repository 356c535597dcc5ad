"""Errors raised by geo/, mapped to HTTP statuses in one place by server/errors.py."""

from __future__ import annotations


class GeoError(Exception):
    """Base class for boundary errors."""


class BoundaryCheckError(GeoError):
    """A built boundary set failed a validity check; the message names the unit."""


class UnknownLevelError(GeoError):
    """A level or level of detail that the boundary set does not hold."""

    def __init__(self, param: str, value: object, allowed: list[str]):
        self.param, self.value, self.allowed = param, value, allowed
        super().__init__(f"unknown {param} {value!r}; allowed: {', '.join(map(str, allowed))}")
