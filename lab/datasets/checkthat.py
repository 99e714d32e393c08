"""CheckThat! 2020 task 2 for claim matching: the verified claims imported as ClaimReviews, tweets as queries.

Shared by `lab.matching.evaluate`, `lab.matching.train` and `lab.clustering.evaluate`. The claims go through the
service's own import (`service.usecases.fact_checks.import_fact_checks`) into a real store, and the tweets through
its own retrieval (`rank_candidates`), so what is measured is what the API serves. The store is kept between runs
(10,375 claims take a few minutes to embed on 2 cores): pass `--database` to choose where.
"""
from __future__ import annotations

import csv
import logging
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lab.paths import DEVDATA, SHARED_DATA

DEFAULT_DATA = SHARED_DATA / "checkthat2020"
DEFAULT_DATABASE = f"sqlite:///{DEVDATA / 'checkthat2020.sqlite3'}"
# The URL pattern the shared referee gives each verified claim (../shared/eval/score_matching.py).
CLAIM_URL = "https://checkthat.example.org/vclaim/{}"
IMPORT_BATCH = 500

log = logging.getLogger("checkthat")


@dataclass(frozen=True)
class Query:
    tweet_id: str
    text: str
    gold_claim_id: str


def read_tsv(path: Path) -> list[list[str]]:
    csv.field_size_limit(sys.maxsize)
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))


def verified_claims(data_dir: Path) -> list[tuple[str, str, str]]:
    """(claim id, claim, title) of every verified claim."""
    return [(r[0], r[1], r[2]) for r in read_tsv(data_dir / "verified_claims.docs.tsv")[1:] if len(r) >= 3]


def queries(data_dir: Path, split: str) -> list[Query]:
    """The tweets of a split with the verified claim each one matches (first qrels line per tweet)."""
    tweets = {r[0]: r[1] for r in read_tsv(data_dir / split / "tweets.queries.tsv")[1:] if len(r) >= 2}
    gold: dict[str, str] = {}
    for line in (data_dir / split / "tweet-vclaim-pairs.qrels").read_text(encoding="utf-8").splitlines():
        if line.strip():
            tweet_id, _, claim_id, _ = line.split()
            gold.setdefault(tweet_id, claim_id)
    return [Query(t, tweets[t], c) for t, c in gold.items() if t in tweets]


def claim_reviews(claims: list[tuple[str, str, str]]) -> Iterator[list[dict[str, object]]]:
    """The verified claims as the referee posts them: ClaimReview JSON-LD in batches of 500."""
    for start in range(0, len(claims), IMPORT_BATCH):
        yield [{"@context": "https://schema.org", "@type": "ClaimReview", "url": CLAIM_URL.format(cid),
                "claimReviewed": claim, "headline": title, "name": title,
                "author": {"@type": "Organization", "name": "Snopes", "url": "https://www.snopes.com"},
                "reviewRating": {"@type": "Rating", "alternateName": "checked"}}
               for cid, claim, title in claims[start:start + IMPORT_BATCH]]


def claim_id_of(url: str) -> str | None:
    prefix = CLAIM_URL.format("")
    return url[len(prefix):] if url.startswith(prefix) else None


def build_runtime(database_url: str, data_dir: Path):  # -> service.runtime.Runtime
    """A runtime on `database_url` holding every verified claim (imported once, then reused)."""
    from service.runtime import build_runtime as build
    from service.settings import Settings
    from service.usecases.fact_checks import import_fact_checks

    runtime = build(Settings(database_url=database_url))
    claims = verified_claims(data_dir)
    if len(runtime.fact_check_index) < len(claims):
        started = time.perf_counter()
        for batch in claim_reviews(claims):
            import_fact_checks(runtime, batch)
        log.info("imported %d verified claims in %.0f s", len(claims), time.perf_counter() - started)
    return runtime
