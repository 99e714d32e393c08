"""Shared by the extraction evaluators and the tagger's trainer: span overlap and the API's input checks on
`POST /v1/extract` (a request the API would refuse counts as a request error, as the shared referee counts it).
"""
from __future__ import annotations

import re

MAX_TEXT_CHARS = 200_000  # the API's limit on `text` (the default of the max_text_chars setting)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Return the number of characters two [start, end) spans share."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def request_error(text: str, published_at: str | None) -> str | None:
    """Return why the API would answer 422 to this input (its schema checks), or None."""
    if len(text) > MAX_TEXT_CHARS:
        return "text longer than 200,000 characters"
    if not text.strip():
        return "text is empty"
    if "\x00" in text:
        return "text contains NUL"
    if published_at is not None and not ISO_DATE.fullmatch(published_at):
        return f"published_at {published_at!r} is not YYYY-MM-DD"
    return None
