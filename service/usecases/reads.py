"""Read what is stored: documents with their statements, statements, speakers, and the store's health."""
from __future__ import annotations

import os
from dataclasses import dataclass

from service.domain.entities import Document, Speaker, Statement
from service.runtime import Runtime
from service.storage import StatementFilter


@dataclass(frozen=True)
class DocumentDetail:
    """A stored document with all its statements, in text order."""

    document: Document
    statements: list[Statement]


@dataclass(frozen=True)
class HealthReport:
    """What one worker knows of the store and of its own vector indexes."""

    status: str
    worker: int
    statements: int
    indexed: int
    fact_checks: int
    database: str


def document_detail(runtime: Runtime, document_id: int) -> DocumentDetail:
    """One document with its statements (NotFound when the id names nothing)."""
    document = runtime.store.get_document(document_id)
    return DocumentDetail(document, runtime.store.statements_of_document(document_id))


def documents_by_id(runtime: Runtime, document_ids: set[int]) -> dict[int, Document]:
    """The stored documents of these ids."""
    return {document_id: runtime.store.get_document(document_id) for document_id in sorted(document_ids)}


def list_documents(runtime: Runtime, limit: int, offset: int) -> tuple[list[Document], int]:
    """A page of documents, newest first, and how many there are."""
    return runtime.store.list_documents(limit, offset)


def get_statement(runtime: Runtime, statement_id: int) -> Statement:
    """One statement (NotFound when the id names nothing)."""
    return runtime.store.get_statement(statement_id)


def list_statements(runtime: Runtime, where: StatementFilter, limit: int, offset: int
                    ) -> tuple[list[Statement], int]:
    """A page of statements matching the filter, in document then text order, and how many match."""
    return runtime.store.list_statements(where, limit, offset)


def get_speaker(runtime: Runtime, speaker_id: int) -> Speaker:
    """One canonical speaker (NotFound when the id names nothing)."""
    return runtime.store.get_speaker(speaker_id)


def list_speakers(runtime: Runtime, limit: int, offset: int, q: str | None) -> tuple[list[Speaker], int]:
    """A page of canonical speakers, by name, and how many match."""
    return runtime.store.list_speakers(limit, offset, q)


def health(runtime: Runtime, *, catch_up: bool = False) -> HealthReport:
    """The store's size beside this worker's indexes; `catch_up` first loads what other workers committed."""
    if catch_up:
        runtime.catch_up()
    return HealthReport("ok", os.getpid(), runtime.store.last_statement_id(), len(runtime.index),
                  len(runtime.fact_check_index), runtime.store.dialect)
