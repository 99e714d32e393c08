"""Fact-checks and full-text search in the SQL ClaimStore, on a real SQLite file and the real local PostgreSQL."""
from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
import sqlalchemy as sa

from service.domain.entities import DocumentSubmission, FactCheck, SpeakerKind, SpeakerMention
from service.domain.lexical import query_terms
from service.storage import NewFactCheck, NewStatement
from service.storage.sql import SqlClaimStore
from service.storage.sql.base import _rare_enough
from service.storage.vector_index import VectorIndex


def _unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).normal(size=384).astype(np.float32)
    return vector / np.linalg.norm(vector)


def _check(url: str, claim: str, title: str | None = None, **kw: object) -> NewFactCheck:
    seed = zlib.crc32(f"{url} {claim}".encode()) % 10_000
    return NewFactCheck(FactCheck(url=url, claim=claim, title=title, **kw), _unit(seed), _unit(seed + 1))  # type: ignore[arg-type]


def _upsert(store: SqlClaimStore, checks: list[NewFactCheck]) -> list[tuple[int, bool]]:
    with store.transaction() as tx:
        tx.lock_clusters()
        return tx.upsert_fact_checks(checks)


def test_fact_checks_round_trip_and_a_stored_url_is_updated_not_duplicated(store: SqlClaimStore) -> None:
    first = _check("https://example.org/fc/1", "Drinking bleach cures COVID-19.", "Does bleach cure COVID?",
                   rating="False", rating_value=1.0, publisher="Example Checks", publisher_site="Example.org",
                   review_date=dt.date(2020, 4, 2), claimant="Social media posts", claim_date=dt.date(2020, 3, 30),
                   language="en")
    second = _check("https://example.org/fc/2", "The moon landing was staged.")
    ((id1, created1), (id2, created2)) = _upsert(store, [first, second])
    assert created1 and created2 and id1 != id2

    (stored,) = store.get_fact_checks([id1])
    assert stored.fact_check == FactCheck(**{**first.fact_check.__dict__, "publisher_site": "example.org"})

    ((again, created),) = _upsert(store, [_check("https://example.org/fc/1", "Bleach cures COVID-19.",
                                                 rating="Pants on fire")])
    assert (again, created) == (id1, False)
    (updated,) = store.get_fact_checks([id1])
    assert (updated.fact_check.claim, updated.fact_check.rating) == ("Bleach cures COVID-19.", "Pants on fire")
    assert store.count_rows()["claim_reviews"] == 2


def test_a_url_twice_in_one_batch_is_written_once_with_its_last_values(store: SqlClaimStore) -> None:
    results = _upsert(store, [_check("https://a.org/1", "first"), _check("https://a.org/2", "other"),
                              _check("https://a.org/1", "second")])
    assert [created for _, created in results] == [False, True, True]
    assert results[0][0] == results[2][0] != results[1][0]
    assert store.get_fact_checks([results[0][0]])[0].fact_check.claim == "second"
    assert store.count_rows()["claim_reviews"] == 2


def test_a_dropped_title_leaves_the_title_index(store: SqlClaimStore) -> None:
    ((key, _),) = _upsert(store, [_check("https://a.org/t", "claim", "A title")])
    titles = VectorIndex()
    titles.catch_up(store.iter_fact_check_title_embeddings)
    assert len(titles) == 1
    _upsert(store, [NewFactCheck(FactCheck(url="https://a.org/t", claim="claim"), _unit(1), None)])
    titles.catch_up(store.iter_fact_check_title_embeddings)
    assert len(titles) == 0 and not titles.vectors_of(np.array([key])).any()


def test_the_index_catches_up_with_updates_through_revisions(store: SqlClaimStore) -> None:
    (id1, _), _ = _upsert(store, [_check("https://a.org/1", "one"), _check("https://a.org/2", "two")])
    index = VectorIndex()
    assert index.catch_up(store.iter_fact_check_embeddings) == 2
    changed = NewFactCheck(FactCheck(url="https://a.org/1", claim="one, revised"), _unit(99), _unit(98))
    _upsert(store, [changed])
    assert index.catch_up(store.iter_fact_check_embeddings) == 1
    assert len(index) == 2
    (hit,) = index.search(_unit(99)[None], k=1)[0]
    assert hit.key == id1 and hit.similarity > 0.999
    assert index.catch_up(store.iter_fact_check_embeddings) == 0


def test_full_text_search_ranks_fact_checks_and_statements(store: SqlClaimStore) -> None:
    _upsert(store, [
        _check("https://a.org/vaccines", "Vaccines cause autism in children.", "Do vaccines cause autism?"),
        _check("https://a.org/moon", "The moon landing in 1969 was filmed in a studio."),
        _check("https://a.org/climate", "Volcanoes emit more carbon dioxide than humans."),
    ])
    hits = store.search_fact_checks_text(query_terms("Is it true that vaccinated children get autism?"), 10)
    assert hits and store.get_fact_checks([hits[0][0]])[0].fact_check.url == "https://a.org/vaccines"
    assert all(score > 0 for _, score in hits)
    assert store.search_fact_checks_text(query_terms("'; DROP TABLE claim_reviews; --"), 10) == []
    assert store.search_fact_checks_text([], 10) == []

    with store.transaction() as tx:
        speaker = tx.add_speaker(SpeakerMention("Jens Stoltenberg", SpeakerKind.PERSON, "NATO"), {"k": "jens"})
        document = tx.add_document(DocumentSubmission("text", None), "h" * 64)
        (statement_id,) = tx.add_statements(document, [NewStatement(
            0, speaker.id, "Russian troops are repositioning, not withdrawing.", 0, 4, None, None, None, None,
            "unknown", "said", _unit(5))])
    hits = store.search_statements_text(query_terms("Are the troops withdrawing?"), 5)
    assert [key for key, _ in hits] == [statement_id]



def test_postgresql_leaves_the_most_common_words_out_of_a_long_text_query(store: SqlClaimStore) -> None:
    """ts_rank has no idf: on a large table a word in most rows would only make the OR query rank them all
    (SQLite's bm25 weighs it down instead, so nothing is left out there)."""
    _upsert(store, [_check(f"https://a.org/{n}", f"A photograph shows item number {n} of the collection.")
                    for n in range(300)]
            + [_check("https://a.org/bridge", "A photograph shows the Golden Gate bridge painted blue in Lisbon.")])
    if store._engine.dialect.name == "postgresql":
        with store._engine.begin() as c:
            c.execute(sa.text("ANALYZE claim_reviews"))
    terms = query_terms("A photograph shows the Golden Gate bridge painted blue")
    if store._engine.dialect.name == "postgresql":
        with store._engine.connect() as c:
            assert _rare_enough(c, "claim_reviews", terms) == terms  # 301 rows: within the default budget
            kept = _rare_enough(c, "claim_reviews", terms, rows_budget=100)
        assert "photograph" not in kept and "shows" not in kept and {"golden", "bridge", "blue"} <= set(kept)
    hits = store.search_fact_checks_text(terms, 5)
    assert store.get_fact_checks([hits[0][0]])[0].fact_check.url == "https://a.org/bridge"
    # three words or fewer are all kept, however common
    assert len(store.search_fact_checks_text(query_terms("photograph shows collection"), 500)) == 301

def test_fact_checks_are_listed_by_publisher_site_newest_first(store: SqlClaimStore) -> None:
    _upsert(store, [
        _check("https://snopes.com/1", "old claim", publisher_site="snopes.com", review_date=dt.date(2019, 1, 1)),
        _check("https://snopes.com/2", "new claim", publisher_site="snopes.com", review_date=dt.date(2021, 1, 1)),
        _check("https://other.org/3", "other claim", publisher_site="other.org", review_date=dt.date(2022, 1, 1)),
    ])
    listed, total = store.list_fact_checks(10, 0, "SNOPES.com")
    assert total == 2 and [f.fact_check.claim for f in listed] == ["new claim", "old claim"]
    assert store.list_fact_checks(10, 0)[1] == 3
