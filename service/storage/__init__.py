"""Storage: the ClaimStore interface, its SQL implementation and the in-memory vector index."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from service.domain.clustering import EdgeThresholds, GroupPair
from service.domain.entities import (
    Cluster,
    ClusterKind,
    Document,
    FactCheck,
    Relation,
    Speaker,
    SpeakerMention,
    Statement,
    StoredFactCheck,
)

if TYPE_CHECKING:
    from service.storage.vector_index import EmbeddingBatch


@dataclass(frozen=True)
class NewDocument:
    """A document to store, identified by the hash of its normalised text."""

    text: str
    text_hash: str
    published_at: dt.date | None
    title: str | None = None
    url: str | None = None
    publisher: str | None = None


@dataclass(frozen=True)
class NewStatement:
    """A statement to store: an extracted statement bound to a canonical speaker and its embedding."""

    position: int
    speaker_id: int
    claim: str
    claim_start: int
    claim_end: int
    speaker_start: int | None
    speaker_end: int | None
    date: dt.date | None
    date_text: str | None
    date_basis: str
    cue: str | None
    embedding: np.ndarray  # (384,) float32, L2-normalised


@dataclass(frozen=True)
class NewFactCheck:
    """A fact-check to store (or to update, when its url is stored) with the embedding of its claim."""

    fact_check: FactCheck
    embedding: np.ndarray  # (384,) float32, L2-normalised, of the claim
    title_embedding: np.ndarray | None  # of the title; None when there is none (or it is the claim)


@dataclass(frozen=True)
class StatementFilter:
    """Filters of `GET /v1/statements`."""

    speaker_id: int | None = None
    document_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str | None = None


@dataclass(frozen=True)
class ClusterFilter:
    """Filters of `GET /v1/clusters`."""

    kind: ClusterKind | None = None
    speaker_id: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    q: str | None = None


@dataclass(frozen=True)
class ClusterDraft:
    """A cluster computed by the domain, to be written with a stable id."""

    kind: ClusterKind
    sides: tuple[tuple[int, ...], ...]
    reuse_id: int | None = None  # the id of the old cluster this one continues, kept stable for readers


@dataclass(frozen=True)
class GroupMembership:
    """Where a proposition group's statements are: a cluster, a side of it, and the cluster's kind."""

    cluster_id: int
    side: int
    kind: ClusterKind


@dataclass(frozen=True)
class IdempotentRequest:
    """What the store knows of an Idempotency-Key: `state` is new, replay, in_progress or mismatch."""

    state: str
    status: int | None = None
    body: str | None = None


class DuplicateDocument(Exception):
    """Another transaction stored the same text first."""

    def __init__(self, document_id: int) -> None:
        super().__init__(f"document {document_id} already stored")
        self.document_id = document_id


class ClaimStore(Protocol):
    """The one interface the pipeline uses to read and write stored claims."""

    def transaction(self) -> AbstractContextManager[ClaimStore]:
        """Open a transaction; the yielded store writes inside it, and everything commits or nothing does."""
        ...

    # documents
    def find_document(self, text_hash: str) -> Document | None: ...
    def get_document(self, document_id: int) -> Document: ...
    def list_documents(self, limit: int, offset: int) -> tuple[list[Document], int]: ...
    def add_document(self, document: NewDocument) -> int: ...

    # speakers
    def get_speaker(self, speaker_id: int) -> Speaker: ...
    def list_speakers(self, limit: int, offset: int, q: str | None = None) -> tuple[list[Speaker], int]: ...
    def speakers_with_alias_keys(self, keys: Sequence[str]) -> list[Speaker]: ...
    def add_speaker(self, mention: SpeakerMention, alias_keys: dict[str, str]) -> Speaker: ...
    def add_speaker_aliases(self, speaker_id: int, alias_keys: dict[str, str]) -> None: ...

    # statements
    def get_statement(self, statement_id: int) -> Statement: ...
    def get_statements(self, statement_ids: Sequence[int]) -> list[Statement]: ...
    def list_statements(self, where: StatementFilter, limit: int, offset: int
                        ) -> tuple[list[Statement], int]: ...
    def add_statements(self, document_id: int, statements: Sequence[NewStatement]) -> list[int]: ...
    def iter_embeddings(self, after_id: int, batch_size: int = 10_000) -> Iterator[EmbeddingBatch]: ...
    def last_statement_id(self) -> int: ...

    # relations
    def add_relations(self, relations: Sequence[Relation]) -> None: ...
    def relations_touching(self, statement_ids: Sequence[int]) -> list[Relation]: ...
    def cluster_edges_touching(self, statement_ids: Sequence[int], thresholds: EdgeThresholds) -> list[Relation]: ...
    def speaker_ids_of(self, statement_ids: Sequence[int]) -> dict[int, int]: ...

    # clusters
    def lock_clusters(self) -> None: ...
    def clusters_of(self, statement_ids: Sequence[int]) -> list[Cluster]: ...
    def replace_clusters(self, old_ids: Sequence[int], drafts: Sequence[ClusterDraft]) -> list[int]: ...
    def get_cluster(self, cluster_id: int) -> Cluster: ...

    # proposition groups: the incremental clustering's state
    def clustering_fingerprint(self) -> str | None: ...
    def set_clustering_fingerprint(self, value: str) -> None: ...
    def group_ids_of(self, statement_ids: Sequence[int]) -> dict[int, int]: ...
    def set_groups(self, group_of: dict[int, int]) -> None: ...
    def merge_groups(self, into: dict[int, int]) -> None: ...
    def group_speaker_count(self, group_ids: Sequence[int], at_most: int = 2) -> int: ...
    def group_edges_touching(self, group_ids: Sequence[int]) -> dict[GroupPair, float]: ...
    def update_group_edges(self, removed: Sequence[GroupPair], added: dict[GroupPair, float]) -> None: ...
    def replace_all_group_edges(self, edges: dict[GroupPair, float]) -> None: ...
    def group_memberships(self, group_ids: Sequence[int]) -> dict[int, GroupMembership]: ...
    def write_group_clusters(self, old_ids: Sequence[int], drafts: Sequence[ClusterDraft],
                             moved_groups: Sequence[int]) -> list[int]: ...
    def list_clusters(self, where: ClusterFilter, limit: int, offset: int) -> tuple[list[Cluster], int]: ...
    def count_rows(self) -> dict[str, int]: ...

    # fact-checks (schema.org ClaimReview)
    def upsert_fact_checks(self, new: Sequence[NewFactCheck]) -> list[tuple[int, bool]]: ...
    def get_fact_checks(self, fact_check_ids: Sequence[int]) -> list[StoredFactCheck]: ...
    def list_fact_checks(self, limit: int, offset: int, publisher_site: str | None = None
                         ) -> tuple[list[StoredFactCheck], int]: ...
    def iter_fact_check_embeddings(self, after_revision: int, batch_size: int = 10_000
                                   ) -> Iterator[EmbeddingBatch]: ...
    def iter_fact_check_title_embeddings(self, after_revision: int, batch_size: int = 10_000
                                         ) -> Iterator[EmbeddingBatch]: ...

    # idempotency keys of POST requests
    def begin_idempotent(self, owner: str, key: str, fingerprint: str, ttl: dt.timedelta) -> IdempotentRequest: ...
    def finish_idempotent(self, owner: str, key: str, status: int, body: str) -> None: ...
    def abandon_idempotent(self, owner: str, key: str) -> None: ...

    # lexical search (the database's full-text index)
    def search_statements_text(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]: ...
    def search_fact_checks_text(self, terms: Sequence[str], limit: int) -> list[tuple[int, float]]: ...
