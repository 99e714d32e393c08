"""ClaimReview feeds are read item by item, whatever their shape."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.feeds import iter_feed

REVIEW = {"@type": "ClaimReview", "url": "https://a.org/1", "claimReviewed": "The moon is made of cheese."}


@pytest.mark.parametrize("document", [
    [REVIEW, {**REVIEW, "url": "https://a.org/2"}],
    {"claim_reviews": [REVIEW, {**REVIEW, "url": "https://a.org/2"}]},
    {"nextPageToken": "x", "claims": [REVIEW, {**REVIEW, "url": "https://a.org/2"}]},
])
def test_json_arrays_and_wrappers_stream_their_items(tmp_path: Path, document: object) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(document))
    items = list(iter_feed(path))
    assert [i.item["url"] for i in items] == ["https://a.org/1", "https://a.org/2"]
    assert [i.position for i in items] == [1, 2]


def test_a_single_object_is_one_item(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps(REVIEW))
    assert [i.item for i in iter_feed(path)] == [REVIEW]


def test_json_lines_report_unreadable_lines_and_go_on(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps(REVIEW) + "\n\n{broken\n" + json.dumps({**REVIEW, "url": "https://a.org/3"}) + "\n")
    items = list(iter_feed(path))
    assert [(i.position, i.error is None) for i in items] == [(1, True), (3, False), (4, True)]
    assert "line 3" in (items[1].error or "")
