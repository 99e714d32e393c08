"""`claimlens import`: a feed goes into the store in batches; invalid items are skipped, re-imports update."""
from __future__ import annotations

import json
from pathlib import Path

from service.cli import import_feed
from service.runtime import Models, build_runtime
from service.settings import Settings


def test_import_feed_stores_valid_items_and_skips_the_rest(tmp_path: Path, models: Models) -> None:
    runtime = build_runtime(Settings(database_url=f"sqlite:///{tmp_path}/claims.sqlite3"), models)
    reviews = [{"@type": "ClaimReview", "url": f"https://a.org/{n}", "claimReviewed": f"Claim number {n} is true."}
               for n in range(7)]
    reviews.insert(3, {"@type": "ClaimReview", "claimReviewed": "no url"})
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in reviews) + "\nnot json\n")

    assert import_feed(runtime, path, batch_size=3) == (7, 0, 2)
    assert len(runtime.fact_check_index) == 7
    assert import_feed(runtime, path, batch_size=3) == (0, 7, 2)
    assert runtime.store.count_rows()["claim_reviews"] == 7
