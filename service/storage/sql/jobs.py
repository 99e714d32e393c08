"""Bulk ingest jobs: each submitted document is an item, pending until a worker stores it or records its error."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from service.errors import NotFound
from service.storage.records import JobError, JobReport
from service.storage.sql.base import SqlBase, _inserted_id
from service.storage.tables import job_items, jobs


class JobRows(SqlBase):
    """Bulk ingest jobs and their items."""

    def add_job(self, payloads: Sequence[dict[str, Any]]) -> int:
        """Store a job with one pending item per document (JSON-serialisable payloads); return its id."""
        with self._connect() as c:
            job_id = _inserted_id(c.execute(jobs.insert().values(created_at=dt.datetime.now(dt.UTC))))
            c.execute(job_items.insert(), [
                {"job_id": job_id, "position": n, "payload": json.dumps(p), "state": "pending"}
                for n, p in enumerate(payloads)])
        return job_id

    def pending_job_items(self, job_id: int, positions: Sequence[int]) -> list[tuple[int, dict[str, Any]]]:
        """The items among these positions that are still pending, with their payloads, in position order."""
        with self._connect() as c:
            rows = c.execute(sa.select(job_items.c.position, job_items.c.payload).where(
                job_items.c.job_id == job_id, job_items.c.position.in_(list(positions)),
                job_items.c.state == "pending").order_by(job_items.c.position)).all()
        return [(int(position), json.loads(payload)) for position, payload in rows]

    def pending_items_by_job(self) -> dict[int, list[int]]:
        """The positions still pending in every job that has any."""
        with self._connect() as c:
            rows = c.execute(sa.select(job_items.c.job_id, job_items.c.position)
                             .where(job_items.c.state == "pending")
                             .order_by(job_items.c.job_id, job_items.c.position)).all()
        found: dict[int, list[int]] = {}
        for job_id, position in rows:
            found.setdefault(int(job_id), []).append(int(position))
        return found

    def finish_job_item(self, job_id: int, position: int, document_id: int | None,
                        error: tuple[int, str] | None = None) -> None:
        """Record an item as done (its document id) or failed (an HTTP-like code and a message)."""
        values: dict[str, Any] = ({"state": "done", "document_id": document_id} if error is None else
                                  {"state": "failed", "error_code": error[0], "error_message": error[1][:2000]})
        with self._connect() as c:
            c.execute(job_items.update().where(job_items.c.job_id == job_id, job_items.c.position == position)
                      .values(**values))

    def mark_job_notified(self, job_id: int) -> bool:
        """Note that job.finished is emitted for the job, if nothing of it is pending and it was not noted before;
        True only for the caller that noted it (that caller emits)."""
        pending = sa.exists().where(job_items.c.job_id == job_id, job_items.c.state == "pending")
        with self._connect() as c:
            result = c.execute(jobs.update().where(jobs.c.id == job_id, jobs.c.notified_at.is_(None), ~pending)
                               .values(notified_at=dt.datetime.now(dt.UTC)))
        return result.rowcount == 1

    def get_job(self, job_id: int) -> JobReport:
        """Where a job stands, or NotFound."""
        with self._connect() as c:
            if c.execute(sa.select(jobs.c.id).where(jobs.c.id == job_id)).first() is None:
                raise NotFound(f"job {job_id} not found", {"id": job_id})
            rows = c.execute(sa.select(job_items.c.position, job_items.c.state, job_items.c.document_id,
                                       job_items.c.error_code, job_items.c.error_message)
                             .where(job_items.c.job_id == job_id).order_by(job_items.c.position)).all()
        states = [row.state for row in rows]
        errors = [JobError(row.position, row.error_code or 500, row.error_message or "")
                  for row in rows if row.state == "failed"]
        return JobReport(job_id, states.count("done"), states.count("failed"), states.count("pending"), errors,
                         [row.document_id for row in rows])
