"""Plain exceptions shared by all layers; the HTTP edge maps them to status codes."""
from __future__ import annotations

from typing import Any


class ClaimlensError(Exception):
    """Base of the service's own errors."""

    def __init__(self, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class NotFound(ClaimlensError):
    """An id names nothing stored."""


class InvalidInput(ClaimlensError):
    """Well-formed input the domain cannot accept (e.g. a text with no content)."""


class Conflict(ClaimlensError):
    """The request clashes with stored state."""


class NotReady(ClaimlensError):
    """A model or the store is not available yet."""


class StoreUnavailable(ClaimlensError):
    """The database cannot be reached (refused, lost, shutting down, lock timeout): retry later."""
