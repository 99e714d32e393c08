"""The SQL ClaimStore against a real SQLite file and the real local PostgreSQL."""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
import sqlalchemy as sa

from service.domain.clustering import EdgeThresholds, is_cluster_edge
from service.domain.entities import (
    Cluster,
    ClusterKind,
    ClusterSide,
    DateBasis,
    Document,
    DocumentSubmission,
    FactCheck,
    Relation,
    RelationKind,
    Span,
    Speaker,
    SpeakerKind,
    SpeakerMention,
    Statement,
)
from service.errors import NotFound
from service.storage import (
    ClusterDraft,
    ClusterFilter,
    DuplicateDocument,
    NewFactCheck,
    NewStatement,
    StatementFilter,
)
from service.storage.migrate import upgrade_schema
from service.storage.sql import SqlClaimStore
from service.storage.tables import clusters as cluster_table
from service.storage.tables import speaker_aliases

DIM = 384


def unit_vectors(count: int, seed: int = 0) -> np.ndarray:
    """Return (count, 384) float32, L2-normalised random vectors."""
    vectors = np.random.default_rng(seed).standard_normal((count, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def new_document(text: str, published_at: dt.date | None = None, **metadata: str
                 ) -> tuple[DocumentSubmission, str]:
    """Return a document to store and its hash."""
    submission = DocumentSubmission(text=text, published_at=published_at, **metadata)
    return submission, hashlib.sha256(text.encode()).hexdigest()


def new_statement(position: int, speaker_id: int, claim: str, date: dt.date | None = None,
                  embedding: np.ndarray | None = None) -> NewStatement:
    """Return a statement to store, dated as stated when it has a date."""
    return NewStatement(
        position=position, speaker_id=speaker_id, claim=claim, claim_start=10 * position,
        claim_end=10 * position + len(claim), speaker_start=None, speaker_end=None, date=date,
        date_text=date.isoformat() if date else None,
        date_basis=DateBasis.STATED if date else DateBasis.UNKNOWN, cue="said",
        embedding=unit_vectors(1, seed=position)[0] if embedding is None else embedding,
    )


def case(where: StatementFilter | ClusterFilter, expected: list[str]) -> Any:
    """Return one row of a filter table, named after the filter's fields that are set."""
    named = ", ".join(f"{key}={value}" for key, value in vars(where).items() if value is not None)
    return pytest.param(where, expected, id=named or "no filter")


def person(name: str) -> SpeakerMention:
    return SpeakerMention(name, SpeakerKind.PERSON)


def organisation(name: str) -> SpeakerMention:
    return SpeakerMention(name, SpeakerKind.ORGANISATION)


# --- a small corpus shared by the filter tests -----------------------------------------------------------

TROOPS_WITHDREW = "Troops withdrew from the northern border"
TROOPS_STAYED = "Troops did not withdraw from the northern border"
INFLATION = "Inflation reached 8% in March"
GRAIN_DEAL = "The grain_deal expires in July"
INJECTION = "'; DROP TABLE statements; --"
TALKS = "Talks resume on Monday"


@dataclass(frozen=True)
class Corpus:
    alice: Speaker
    ministry: Speaker
    first_document: int
    second_document: int
    ids: dict[str, int]  # claim -> statement id


@pytest.fixture
def corpus(store: SqlClaimStore) -> Corpus:
    """Store two speakers, two documents and six statements, in one transaction."""
    with store.transaction() as tx:
        alice = tx.add_speaker(person("Alice Example"), {"alice example": "Alice Example"})
        ministry = tx.add_speaker(organisation("Defence Ministry"), {"defence ministry": "Defence Ministry"})
        first = tx.add_document(*new_document("first text", dt.date(2022, 3, 31)))
        second = tx.add_document(*new_document("second text", dt.date(2022, 5, 1)))
        first_ids = tx.add_statements(first, [
            new_statement(0, alice.id, TROOPS_WITHDREW, dt.date(2022, 3, 1)),
            new_statement(1, ministry.id, TROOPS_STAYED, dt.date(2022, 3, 2)),
            new_statement(2, alice.id, INFLATION, dt.date(2022, 3, 31)),
        ])
        second_ids = tx.add_statements(second, [
            new_statement(0, alice.id, GRAIN_DEAL, dt.date(2022, 4, 10)),
            new_statement(1, ministry.id, INJECTION, dt.date(2022, 5, 1)),
            new_statement(2, ministry.id, TALKS),
        ])
    claims = [TROOPS_WITHDREW, TROOPS_STAYED, INFLATION, GRAIN_DEAL, INJECTION, TALKS]
    return Corpus(alice, ministry, first, second, dict(zip(claims, first_ids + second_ids, strict=True)))


# --- documents ----------------------------------------------------------------------------------------------


def test_stores_a_document_and_finds_it_by_id_and_by_hash(store: SqlClaimStore) -> None:
    submitted, text_hash = new_document("Stoltenberg said on Thursday...", dt.date(2022, 4, 1),
                                        title="Talks", url="https://example.org/a", publisher="Example Wire")
    with store.transaction() as tx:
        document_id = tx.add_document(submitted, text_hash)

    expected = Document(document_id, submitted.text, dt.date(2022, 4, 1), "Talks", "https://example.org/a",
                        "Example Wire")
    assert store.get_document(document_id) == expected
    assert store.find_document(text_hash) == expected
    assert store.find_document("0" * 64) is None


def test_lists_documents_newest_first_with_the_total(store: SqlClaimStore) -> None:
    with store.transaction() as tx:
        ids = [tx.add_document(*new_document(f"text {n}")) for n in range(3)]

    page, total = store.list_documents(limit=2, offset=0)
    rest, _ = store.list_documents(limit=2, offset=2)

    assert total == 3
    assert [d.id for d in page + rest] == ids[::-1]


def test_a_second_document_with_the_same_hash_is_rejected_naming_the_first(store: SqlClaimStore) -> None:
    with store.transaction() as tx:
        first_id = tx.add_document(*new_document("same text"))

    with pytest.raises(DuplicateDocument) as raised, store.transaction() as tx:
        tx.add_document(*new_document("same text"))

    assert raised.value.document_id == first_id
    assert store.count_rows()["documents"] == 1


def test_a_duplicate_document_leaves_nothing_of_its_transaction_written(store: SqlClaimStore) -> None:
    with store.transaction() as tx:
        tx.add_document(*new_document("already stored"))
    before = store.count_rows()

    with pytest.raises(DuplicateDocument), store.transaction() as tx:
        document_id = tx.add_document(*new_document("a new text"))
        speaker = tx.add_speaker(person("Bob"), {"bob": "Bob"})
        tx.add_statements(document_id, [new_statement(0, speaker.id, "A claim")])
        tx.add_document(*new_document("already stored"))

    assert store.count_rows() == before


def test_a_document_a_concurrent_transaction_stores_first_is_reported_as_its_duplicate(
    store: SqlClaimStore,
) -> None:
    outcome: dict[str, object] = {}

    def store_the_same_text() -> None:
        try:
            with store.transaction() as tx:
                outcome["id"] = tx.add_document(*new_document("raced text"))
        except DuplicateDocument as duplicate:
            outcome["duplicate_of"] = duplicate.document_id
        except Exception as error:  # the assertion below shows it
            outcome["error"] = repr(error)

    with store.transaction() as tx:
        first_id = tx.add_document(*new_document("raced text"))
        racer = threading.Thread(target=store_the_same_text)
        racer.start()
        time.sleep(0.3)  # let the racer's insert wait on this uncommitted row
    racer.join(timeout=30)

    assert outcome == {"duplicate_of": first_id}
    assert store.count_rows()["documents"] == 1


# --- speakers -----------------------------------------------------------------------------------------------


@pytest.fixture
def speakers(store: SqlClaimStore) -> dict[str, Speaker]:
    """Store three speakers, two of them sharing the alias key "ministry"."""
    with store.transaction() as tx:
        return {
            "stoltenberg": tx.add_speaker(
                SpeakerMention("Jens Stoltenberg", SpeakerKind.PERSON, "NATO", "Secretary-General"),
                {"jens stoltenberg": "Jens Stoltenberg", "stoltenberg": "Stoltenberg"}),
            "defence": tx.add_speaker(organisation("Russian Defence Ministry"),
                                      {"russian defence ministry": "Russian Defence Ministry",
                                       "ministry": "the ministry"}),
            "health": tx.add_speaker(organisation("Ministry of Health"),
                                     {"ministry of health": "Ministry of Health", "ministry": "the ministry"}),
        }


@pytest.mark.parametrize(("keys", "expected"), [
    (["stoltenberg"], ["stoltenberg"]),
    (["stoltenberg", "jens stoltenberg"], ["stoltenberg"]),
    (["ministry"], ["defence", "health"]),
    (["ministry of health", "nobody"], ["health"]),
    (["nobody"], []),
    ([], []),
])
def test_finds_speakers_known_under_any_of_the_alias_keys(
    store: SqlClaimStore, speakers: dict[str, Speaker], keys: list[str], expected: list[str],
) -> None:
    assert store.speakers_with_alias_keys(keys) == [speakers[name] for name in expected]


def test_a_speaker_reads_back_with_kind_affiliation_and_role(
    store: SqlClaimStore, speakers: dict[str, Speaker],
) -> None:
    stoltenberg = speakers["stoltenberg"]

    assert stoltenberg == Speaker(stoltenberg.id, "Jens Stoltenberg", SpeakerKind.PERSON, "NATO",
                                  "Secretary-General")
    assert store.get_speaker(stoltenberg.id) == stoltenberg


def test_adding_aliases_a_speaker_already_has_adds_only_the_new_ones(
    store: SqlClaimStore, engine: sa.Engine, speakers: dict[str, Speaker],
) -> None:
    stoltenberg = speakers["stoltenberg"]

    with store.transaction() as tx:
        tx.add_speaker_aliases(stoltenberg.id, {"stoltenberg": "Stoltenberg", "jens stoltenberg": "Jens"})
        tx.add_speaker_aliases(stoltenberg.id, {"stoltenberg": "Stoltenberg", "nato chief": "NATO chief"})
        tx.add_speaker_aliases(stoltenberg.id, {"nato chief": "NATO chief"})

    with engine.connect() as connection:
        keys = connection.execute(sa.select(speaker_aliases.c.alias_key)
                                  .where(speaker_aliases.c.speaker_id == stoltenberg.id)).scalars().all()
    assert sorted(keys) == ["jens stoltenberg", "nato chief", "stoltenberg"]
    assert store.speakers_with_alias_keys(["nato chief"]) == [stoltenberg]


# --- statements ---------------------------------------------------------------------------------------------


def test_a_statement_reads_back_with_its_spans_date_and_speaker(store: SqlClaimStore) -> None:
    with store.transaction() as tx:
        speaker = tx.add_speaker(person("Alice Example"), {"alice example": "Alice Example"})
        document_id = tx.add_document(*new_document("Alice Example said on Monday that..."))
        [statement_id] = tx.add_statements(document_id, [NewStatement(
            position=0, speaker_id=speaker.id, claim="talks will resume", claim_start=30, claim_end=47,
            speaker_start=0, speaker_end=13, date=dt.date(2022, 3, 28), date_text="on Monday",
            date_basis=DateBasis.STATED, cue="said", embedding=unit_vectors(1)[0],
        )])

    assert store.get_statement(statement_id) == Statement(
        id=statement_id, document_id=document_id, claim="talks will resume", claim_span=Span(30, 47),
        speaker=speaker, speaker_span=Span(0, 13), date=dt.date(2022, 3, 28), date_text="on Monday",
        date_basis=DateBasis.STATED, cue="said",
    )


def test_get_statements_returns_only_stored_ids_in_id_order(store: SqlClaimStore, corpus: Corpus) -> None:
    wanted = [corpus.ids[TALKS], 999_999, corpus.ids[TROOPS_WITHDREW]]

    found = store.get_statements(wanted)

    assert [s.id for s in found] == sorted([corpus.ids[TALKS], corpus.ids[TROOPS_WITHDREW]])


@pytest.fixture
def embedded(store: SqlClaimStore) -> tuple[list[int], np.ndarray]:
    """Store five statements with known vectors; return their ids and (5, 384) float32 vectors."""
    vectors = unit_vectors(5, seed=42)
    with store.transaction() as tx:
        speaker = tx.add_speaker(person("Alice Example"), {})
        document_id = tx.add_document(*new_document("five claims"))
        ids = tx.add_statements(document_id, [new_statement(n, speaker.id, f"claim {n}", embedding=vectors[n])
                                              for n in range(5)])
    return ids, vectors


def test_embeddings_come_back_bit_for_bit_in_batches_of_the_given_size(
    store: SqlClaimStore, embedded: tuple[list[int], np.ndarray],
) -> None:
    ids, vectors = embedded

    batches = list(store.iter_embeddings(after_id=0, batch_size=2))

    assert [len(batch_ids) for batch_ids, _, _ in batches] == [2, 2, 1]
    got_ids = np.concatenate([batch_ids for batch_ids, _, _ in batches])
    got_versions = np.concatenate([versions for _, versions, _ in batches])
    got_vectors = np.concatenate([batch_vectors for _, _, batch_vectors in batches])
    assert got_ids.dtype == np.int64 and got_ids.tolist() == ids == got_versions.tolist()
    assert got_vectors.dtype == np.float32 and got_vectors.shape == (5, DIM)
    assert got_vectors.tobytes() == vectors.tobytes()


@pytest.mark.parametrize(("watermark", "expected"), [
    pytest.param(None, slice(0, 5), id="before the first"),
    pytest.param(2, slice(3, 5), id="after the third"),
    pytest.param(4, slice(5, 5), id="after the last"),
])
def test_iter_embeddings_yields_only_statements_after_the_watermark(
    store: SqlClaimStore, embedded: tuple[list[int], np.ndarray], watermark: int | None, expected: slice,
) -> None:
    ids, vectors = embedded
    after_id = 0 if watermark is None else ids[watermark]

    batches = list(store.iter_embeddings(after_id=after_id, batch_size=10))

    got_ids = [int(i) for batch_ids, _, _ in batches for i in batch_ids]
    assert got_ids == ids[expected]
    if got_ids:
        assert np.array_equal(np.concatenate([v for _, _, v in batches]), vectors[expected])
    assert store.last_statement_id() == ids[-1]


def test_the_last_statement_id_of_an_empty_store_is_zero(store: SqlClaimStore) -> None:
    assert store.last_statement_id() == 0
    assert list(store.iter_embeddings(after_id=0)) == []


@pytest.mark.parametrize(("where", "expected"), [
    case(StatementFilter(), [TROOPS_WITHDREW, TROOPS_STAYED, INFLATION, GRAIN_DEAL, INJECTION, TALKS]),
    case(StatementFilter(speaker_id=-1), []),
    case(StatementFilter(since=dt.date(2022, 4, 1)), [GRAIN_DEAL, INJECTION]),
    case(StatementFilter(until=dt.date(2022, 3, 2)), [TROOPS_WITHDREW, TROOPS_STAYED]),
    case(StatementFilter(since=dt.date(2022, 3, 2), until=dt.date(2022, 4, 10)),
         [TROOPS_STAYED, INFLATION, GRAIN_DEAL]),
    case(StatementFilter(q="troops"), [TROOPS_WITHDREW, TROOPS_STAYED]),
    case(StatementFilter(q="NORTHERN BORDER"), [TROOPS_WITHDREW, TROOPS_STAYED]),
    case(StatementFilter(q="8%"), [INFLATION]),
    case(StatementFilter(q="%"), [INFLATION]),
    case(StatementFilter(q="_"), [GRAIN_DEAL]),
    case(StatementFilter(q="grain deal"), []),
    case(StatementFilter(q=INJECTION), [INJECTION]),
    case(StatementFilter(q="'"), [INJECTION]),
    case(StatementFilter(q="\\"), []),
])
def test_lists_statements_matching_the_filter_in_document_order(
    store: SqlClaimStore, corpus: Corpus, where: StatementFilter, expected: list[str],
) -> None:
    found, total = store.list_statements(where, limit=50, offset=0)

    assert [s.claim for s in found] == expected
    assert total == len(expected)
    assert store.count_rows()["statements"] == 6


@pytest.mark.parametrize(("speaker", "document", "expected"), [
    ("alice", None, [TROOPS_WITHDREW, INFLATION, GRAIN_DEAL]),
    ("ministry", None, [TROOPS_STAYED, INJECTION, TALKS]),
    (None, "second", [GRAIN_DEAL, INJECTION, TALKS]),
    ("ministry", "first", [TROOPS_STAYED]),
])
def test_lists_statements_of_a_speaker_or_a_document(
    store: SqlClaimStore, corpus: Corpus, speaker: str | None, document: str | None, expected: list[str],
) -> None:
    speakers = {"alice": corpus.alice.id, "ministry": corpus.ministry.id}
    documents = {"first": corpus.first_document, "second": corpus.second_document}
    where = StatementFilter(speaker_id=speakers[speaker] if speaker else None,
                            document_id=documents[document] if document else None)

    found, total = store.list_statements(where, limit=50, offset=0)

    assert [s.claim for s in found] == expected
    assert total == len(expected)


def test_lists_statements_a_page_at_a_time_with_the_total(store: SqlClaimStore, corpus: Corpus) -> None:
    page, total = store.list_statements(StatementFilter(speaker_id=corpus.alice.id), limit=2, offset=1)

    assert [s.claim for s in page] == [INFLATION, GRAIN_DEAL]
    assert total == 3


def test_a_claim_that_looks_like_sql_is_stored_verbatim_and_the_table_survives(
    store: SqlClaimStore, corpus: Corpus,
) -> None:
    assert store.get_statement(corpus.ids[INJECTION]).claim == INJECTION
    assert store.count_rows()["statements"] == 6


# --- relations ----------------------------------------------------------------------------------------------


def test_a_relation_is_stored_once_with_the_smaller_id_first(store: SqlClaimStore, corpus: Corpus) -> None:
    low, high = corpus.ids[TROOPS_WITHDREW], corpus.ids[TROOPS_STAYED]

    with store.transaction() as tx:
        tx.add_relations([Relation(high, low, RelationKind.CONTRADICTS, 0.875, 0.75)])

    stored = Relation(low, high, RelationKind.CONTRADICTS, 0.875, 0.75)
    assert store.relations_touching([low]) == [stored]
    assert store.relations_touching([high]) == [stored]
    assert store.relations_touching([corpus.ids[TALKS]]) == []
    assert store.count_rows()["relations"] == 1


@pytest.mark.parametrize("same_claim", [1.01, 0.7])
def test_cluster_edges_are_the_relations_clustering_accepts(
    store: SqlClaimStore, corpus: Corpus, same_claim: float,
) -> None:
    ids = sorted(corpus.ids.values())
    labels = list(RelationKind)
    relations = [Relation(a, b, labels[(a + b) % 4], probability, similarity)
                 for n, (a, b) in enumerate((a, b) for a in ids for b in ids if a < b)
                 for probability, similarity in [((n * 0.37) % 1, (n * 0.53) % 1)]]
    with store.transaction() as tx:
        tx.add_relations(relations)
    thresholds = EdgeThresholds(corroborates=0.6, contradicts=0.65, min_similarity=0.3,
                                same_claim_similarity=same_claim)

    for touching in (ids[:1], ids[:3], ids):
        expected = [r for r in store.relations_touching(touching) if is_cluster_edge(r, thresholds)]
        assert store.cluster_edges_touching(touching, thresholds) == expected
    assert 0 < len(store.cluster_edges_touching(ids, thresholds)) < len(relations)


@pytest.mark.parametrize("second_order", ["the same order", "the reverse order"])
def test_the_same_pair_twice_raises_an_integrity_error_and_rolls_the_transaction_back(
    store: SqlClaimStore, corpus: Corpus, second_order: str,
) -> None:
    low, high = corpus.ids[TROOPS_WITHDREW], corpus.ids[TROOPS_STAYED]
    again = (low, high) if second_order == "the same order" else (high, low)

    with pytest.raises(sa.exc.IntegrityError), store.transaction() as tx:
        tx.add_relations([Relation(low, high, RelationKind.CONTRADICTS, 0.9, 0.8),
                          Relation(low, corpus.ids[TALKS], RelationKind.UNRELATED, 0.9, 0.1)])
        tx.add_relations([Relation(*again, RelationKind.CORROBORATES, 0.6, 0.8)])

    assert store.count_rows()["relations"] == 0


# --- clusters -----------------------------------------------------------------------------------------------


@pytest.fixture
def clusters(store: SqlClaimStore, corpus: Corpus) -> dict[str, int]:
    """Store a contradiction of three statements and a smaller, later corroboration of two."""
    ids = corpus.ids
    with store.transaction() as tx:
        tx.lock_clusters()
        contradiction, corroboration = tx.replace_clusters([], [
            ClusterDraft(ClusterKind.CONTRADICTION, ((ids[TROOPS_WITHDREW],), (ids[TROOPS_STAYED], ids[TALKS]))),
            ClusterDraft(ClusterKind.CORROBORATION, ((ids[INFLATION], ids[GRAIN_DEAL]),)),
        ])
    return {"contradiction": contradiction, "corroboration": corroboration}


def test_a_cluster_reads_back_with_its_sides_in_order(
    store: SqlClaimStore, corpus: Corpus, clusters: dict[str, int],
) -> None:
    ids = corpus.ids
    assert store.get_cluster(clusters["contradiction"]) == Cluster(
        clusters["contradiction"], ClusterKind.CONTRADICTION,
        (ClusterSide("0", (ids[TROOPS_WITHDREW],)),
         ClusterSide("1", tuple(sorted((ids[TROOPS_STAYED], ids[TALKS]))))),
    )


def test_clusters_of_returns_each_cluster_holding_any_of_the_statements_once(
    store: SqlClaimStore, corpus: Corpus, clusters: dict[str, int],
) -> None:
    ids = corpus.ids

    found = store.clusters_of([ids[TROOPS_STAYED], ids[TALKS], ids[INJECTION]])

    assert [c.id for c in found] == [clusters["contradiction"]]
    assert store.clusters_of([ids[INJECTION]]) == []
    assert store.clusters_of([]) == []


def test_replacing_a_cluster_that_reuses_its_id_keeps_the_id(
    store: SqlClaimStore, corpus: Corpus, clusters: dict[str, int],
) -> None:
    ids, old = corpus.ids, clusters["corroboration"]

    with store.transaction() as tx:
        tx.lock_clusters()
        new_ids = tx.replace_clusters([old], [
            ClusterDraft(ClusterKind.CORROBORATION, ((ids[INFLATION], ids[GRAIN_DEAL], ids[INJECTION]),),
                         reuse_id=old),
        ])

    assert new_ids == [old]
    assert store.get_cluster(old).statement_ids == (ids[INFLATION], ids[GRAIN_DEAL], ids[INJECTION])
    assert store.count_rows()["clusters"] == 2


def test_replacing_a_cluster_without_reuse_gives_a_never_used_id_and_drops_the_old(
    store: SqlClaimStore, corpus: Corpus, clusters: dict[str, int],
) -> None:
    ids, old = corpus.ids, clusters["corroboration"]

    with store.transaction() as tx:
        [new] = tx.replace_clusters([old], [ClusterDraft(ClusterKind.CORROBORATION, ((ids[INFLATION],
                                                                                        ids[INJECTION]),))])

    assert new not in clusters.values()
    with pytest.raises(NotFound):
        store.get_cluster(old)
    assert store.clusters_of([ids[GRAIN_DEAL]]) == []
    assert store.count_rows()["clusters"] == 2


def test_statements_can_change_cluster_and_side_in_one_replacement(
    store: SqlClaimStore, corpus: Corpus, clusters: dict[str, int],
) -> None:
    ids, contradiction, corroboration = corpus.ids, clusters["contradiction"], clusters["corroboration"]
    with store.transaction() as tx:
        tx.lock_clusters()
        # TALKS leaves the contradiction for the corroboration; the contradiction's sides swap.
        tx.replace_clusters([contradiction, corroboration], [
            ClusterDraft(ClusterKind.CORROBORATION, ((ids[INFLATION], ids[GRAIN_DEAL], ids[TALKS]),),
                         reuse_id=corroboration),
            ClusterDraft(ClusterKind.CONTRADICTION, ((ids[TROOPS_STAYED],), (ids[TROOPS_WITHDREW],)),
                         reuse_id=contradiction),
        ])

    assert store.get_cluster(contradiction).sides == (
        ClusterSide("0", (ids[TROOPS_STAYED],)), ClusterSide("1", (ids[TROOPS_WITHDREW],)))
    assert store.get_cluster(corroboration).statement_ids == tuple(sorted((ids[INFLATION], ids[GRAIN_DEAL],
                                                                         ids[TALKS])))
    assert store.count_rows()["clusters"] == 2


def test_an_unchanged_cluster_is_not_rewritten(
    engine: sa.Engine, store: SqlClaimStore, corpus: Corpus, clusters: dict[str, int],
) -> None:
    ids, kept = corpus.ids, clusters["corroboration"]

    def updated_at() -> object:
        with engine.connect() as c:
            return c.execute(sa.select(cluster_table.c.updated_at).where(cluster_table.c.id == kept)).scalar_one()

    before = updated_at()
    with store.transaction() as tx:
        tx.lock_clusters()
        assert tx.replace_clusters([kept], [ClusterDraft(
            ClusterKind.CORROBORATION, ((ids[INFLATION], ids[GRAIN_DEAL]),), reuse_id=kept)]) == [kept]
    assert updated_at() == before
    with store.transaction() as tx:
        tx.replace_clusters([kept], [ClusterDraft(
            ClusterKind.CORROBORATION, ((ids[INFLATION], ids[GRAIN_DEAL], ids[INJECTION]),), reuse_id=kept)])
    assert updated_at() != before


@pytest.mark.parametrize(("where", "expected"), [
    case(ClusterFilter(), ["contradiction", "corroboration"]),
    case(ClusterFilter(kind=ClusterKind.CONTRADICTION), ["contradiction"]),
    case(ClusterFilter(kind=ClusterKind.CORROBORATION), ["corroboration"]),
    case(ClusterFilter(q="northern"), ["contradiction"]),
    case(ClusterFilter(q="JULY"), ["corroboration"]),
    case(ClusterFilter(q="%"), ["corroboration"]),
    case(ClusterFilter(q="_"), ["corroboration"]),
    case(ClusterFilter(q=INJECTION), []),
    case(ClusterFilter(kind=ClusterKind.CONTRADICTION, q="grain"), []),
    case(ClusterFilter(until=dt.date(2022, 3, 1)), ["contradiction"]),
    case(ClusterFilter(since=dt.date(2022, 4, 1)), ["corroboration"]),
])
def test_lists_clusters_matching_the_filter_biggest_first(
    store: SqlClaimStore, clusters: dict[str, int], where: ClusterFilter, expected: list[str],
) -> None:
    found, total = store.list_clusters(where, limit=50, offset=0)

    assert [c.id for c in found] == [clusters[name] for name in expected]
    assert total == len(expected)


@pytest.mark.parametrize(("speaker", "expected"), [
    ("alice", ["contradiction", "corroboration"]),
    ("ministry", ["contradiction"]),
])
def test_lists_clusters_holding_a_statement_of_the_speaker(
    store: SqlClaimStore, corpus: Corpus, clusters: dict[str, int], speaker: str, expected: list[str],
) -> None:
    speaker_id = {"alice": corpus.alice.id, "ministry": corpus.ministry.id}[speaker]

    found, total = store.list_clusters(ClusterFilter(speaker_id=speaker_id), limit=50, offset=0)

    assert [c.id for c in found] == [clusters[name] for name in expected]
    assert total == len(expected)


def test_lists_clusters_a_page_at_a_time_with_the_total(store: SqlClaimStore, clusters: dict[str, int]) -> None:
    page, total = store.list_clusters(ClusterFilter(), limit=1, offset=1)

    assert [c.id for c in page] == [clusters["corroboration"]]
    assert total == 2


# --- transactions, missing ids, migrations ------------------------------------------------------------------


def _write_a_document(tx: SqlClaimStore, corpus: Corpus) -> None:
    tx.add_document(*new_document("a third text"))


def _write_a_speaker(tx: SqlClaimStore, corpus: Corpus) -> None:
    tx.add_speaker(person("Carol"), {"carol": "Carol"})


def _write_statements(tx: SqlClaimStore, corpus: Corpus) -> None:
    tx.add_statements(corpus.first_document, [new_statement(7, corpus.alice.id, "one more claim")])


def _write_a_relation(tx: SqlClaimStore, corpus: Corpus) -> None:
    tx.add_relations([Relation(corpus.ids[INFLATION], corpus.ids[GRAIN_DEAL], RelationKind.DISCUSSES, 0.7, 0.6)])


def _write_a_cluster(tx: SqlClaimStore, corpus: Corpus) -> None:
    tx.replace_clusters([], [ClusterDraft(ClusterKind.CORROBORATION, ((corpus.ids[INJECTION],),))])


def _write_a_fact_check(tx: SqlClaimStore, _corpus: Corpus) -> None:
    vector = np.ones(DIM, dtype=np.float32) / np.sqrt(DIM)
    tx.upsert_fact_checks([NewFactCheck(FactCheck("https://checks.example.org/1", "A reviewed claim."), vector,
                                        vector)])


def _write_everything(tx: SqlClaimStore, corpus: Corpus) -> None:
    for write in (_write_a_document, _write_a_speaker, _write_statements, _write_a_relation, _write_a_cluster,
                  _write_a_fact_check):
        write(tx, corpus)


@pytest.mark.parametrize("write", [
    _write_a_document, _write_a_speaker, _write_statements, _write_a_relation, _write_a_cluster,
    _write_a_fact_check, _write_everything,
], ids=lambda write: write.__name__.removeprefix("_write_"))
def test_an_exception_inside_a_transaction_leaves_every_count_unchanged(
    store: SqlClaimStore, corpus: Corpus, write: Callable[[SqlClaimStore, Corpus], None],
) -> None:
    before = store.count_rows()

    with pytest.raises(RuntimeError, match="abandon"), store.transaction() as tx:
        write(tx, corpus)
        raise RuntimeError("abandon the request")

    assert store.count_rows() == before


def test_a_transaction_that_ends_normally_commits_every_write(store: SqlClaimStore, corpus: Corpus) -> None:
    before = store.count_rows()

    with store.transaction() as tx:
        _write_everything(tx, corpus)

    assert store.count_rows() == {name: count + 1 for name, count in before.items()}


@pytest.mark.parametrize("read", [
    SqlClaimStore.get_document, SqlClaimStore.get_speaker, SqlClaimStore.get_statement,
    SqlClaimStore.get_cluster,
], ids=lambda read: read.__name__)
def test_an_unknown_id_raises_not_found_naming_the_id(
    store: SqlClaimStore, read: Callable[[SqlClaimStore, int], object],
) -> None:
    with pytest.raises(NotFound) as raised:
        read(store, 424_242)

    assert raised.value.errors == {"id": 424_242}


def test_upgrading_an_up_to_date_schema_changes_nothing(
    store: SqlClaimStore, engine: sa.Engine, corpus: Corpus,
) -> None:
    def snapshot() -> tuple[list[str], list[str], dict[str, int]]:
        with engine.connect() as connection:
            versions = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
        return sorted(sa.inspect(engine).get_table_names()), list(versions), store.count_rows()

    before = snapshot()
    upgrade_schema(engine)

    assert snapshot() == before
    assert len(before[1]) == 1


def test_migration_0004_rehashes_documents_that_have_a_url(engine: sa.Engine) -> None:
    from alembic import command

    from service.storage.migrate import alembic_config
    from service.usecases.ingest import text_hash

    store = SqlClaimStore(engine)
    with store.transaction() as tx:
        tx.add_document(DocumentSubmission("Same words.", None, url="https://a.example/1"), text_hash("Same words."))
        tx.add_document(DocumentSubmission("No url here.", None), text_hash("No url here."))
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0003")
        command.upgrade(alembic_config(connection), "head")
    assert store.find_document(text_hash("Same words.", "https://a.example/1")) is not None
    assert store.find_document(text_hash("Same words.")) is None
    assert store.find_document(text_hash("No url here.")) is not None
