"""What the store takes and gives besides domain entities: rows to write, filters, cluster drafts."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from service.domain.entities import ClusterKind, FactCheck


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


@dataclass(frozen=True)
class JobError:
    """Why one document of a job was not stored."""

    index: int
    code: int
    message: str


@dataclass(frozen=True)
class JobReport:
    """Where a bulk job stands: its documents done, failed and pending, the errors and the stored ids."""

    id: int
    done: int
    failed: int
    pending: int
    errors: list[JobError]
    document_ids: list[int | None]  # by position; None while pending or when failed

    @property
    def status(self) -> str:
        if self.pending == 0:
            return "finished"
        return "queued" if self.done + self.failed == 0 else "running"


@dataclass(frozen=True)
class Webhook:
    """A receiver of events: where to POST them, which, and the secret that signs them."""

    id: int
    url: str
    events: tuple[str, ...]
    secret: str


@dataclass(frozen=True)
class Delivery:
    """One event for one webhook, and how its delivery went."""

    id: int
    webhook_id: int
    event: str
    data: dict[str, Any]
    state: str  # pending, delivered or failed
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: dt.datetime
    delivered_at: dt.datetime | None
