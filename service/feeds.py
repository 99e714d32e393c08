"""Reading ClaimReview feeds of any size without loading them whole: JSON Lines, or JSON streamed with ijson.

A JSON file may be an array of items, an object holding them under `claim_reviews` (this API's import body) or
`claims` (a Google Fact Check Tools `claims:search` answer), or one ClaimReview object.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ijson

LIST_KEYS = ("claim_reviews", "claims")


@dataclass(frozen=True)
class FeedItem:
    """One item of a feed, or why it could not be read (`error` set, `item` None)."""

    position: int  # 1-based: the line of a JSON Lines file, the index of a JSON array item
    item: Any = None
    error: str | None = None


def iter_feed(path: Path) -> Iterator[FeedItem]:
    """Yield the items of a JSON or JSON Lines feed one at a time."""
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _iter_json_lines(path)
        return
    yield from _iter_json(path)


def _iter_json_lines(path: Path) -> Iterator[FeedItem]:
    with open(path, encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield FeedItem(number, json.loads(line))
            except json.JSONDecodeError as error:
                yield FeedItem(number, error=f"line {number}: not JSON ({error.msg})")


def _iter_json(path: Path) -> Iterator[FeedItem]:
    prefix = _items_prefix(path)
    if prefix is None:
        with open(path, encoding="utf-8") as handle:
            yield FeedItem(1, json.load(handle))
        return
    with open(path, "rb") as handle:
        for number, item in enumerate(ijson.items(handle, prefix, use_float=True), start=1):
            yield FeedItem(number, item)


def _items_prefix(path: Path) -> str | None:
    """Where the items are: 'item' for a top-level array, '<key>.item' for a wrapper object, None for one object."""
    with open(path, "rb") as handle:
        for prefix, event, value in ijson.parse(handle):
            if prefix == "" and event == "start_array":
                return "item"
            if prefix == "" and event == "map_key" and value in LIST_KEYS:
                return f"{value}.item"
    return None
