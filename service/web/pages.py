"""Server-rendered pages for people: clusters with their sides and timeline, and the source documents.

Jinja autoescapes every `.html` template, so text from documents (HTML, SQL, anything) is shown, never run.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Flask, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from service.api.context import runtime
from service.domain.entities import ClusterKind, Statement
from service.errors import NotFound
from service.storage import ClusterFilter
from service.usecases.cluster_views import cluster_view, list_cluster_views
from service.usecases.fact_checks import fact_checks_of
from service.usecases.reads import document_detail, documents_by_id
from service.web.timeline import layout_timeline

blp = Blueprint("web", __name__, template_folder="templates")

PAGE_SIZE = 20
_MAX_ID = 2_147_483_647


class BadFilter(ValueError):
    """A query parameter of a page that cannot be used."""


def register_web(app: Flask) -> None:
    """Mount the pages at / (the API stays under /v1)."""
    app.register_blueprint(blp)


@blp.get("/")
def home() -> ResponseReturnValue:
    return redirect(url_for("web.clusters"))


@blp.get("/clusters")
def clusters() -> ResponseReturnValue:
    try:
        where, page = _cluster_filter(request.args)
    except BadFilter as error:
        return render_template("error.html", status=400, message=str(error)), 400
    views, total = list_cluster_views(runtime(), where, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    pages = max(1, math.ceil(total / PAGE_SIZE))
    return render_template("clusters.html", clusters=views, total=total, page=page, pages=pages,
                           args={k: v for k, v in request.args.items() if k != "page" and v})


@blp.get("/clusters/<int:cluster_id>")
def cluster(cluster_id: int) -> ResponseReturnValue:
    view = cluster_view(runtime(), _checked_id(cluster_id))
    documents = documents_by_id(runtime(), {s.document_id for side in view.sides for s in side.statements})
    drawing = layout_timeline(view.timeline, [side.label or f"Side {i + 1}" for i, side in enumerate(view.sides)])
    reviews = fact_checks_of(runtime(), [s.id for side in view.sides for s in side.statements])
    return render_template("cluster.html", cluster=view, documents=documents, drawing=drawing, reviews=reviews)


@blp.get("/documents/<int:document_id>")
def document(document_id: int) -> ResponseReturnValue:
    detail = document_detail(runtime(), _checked_id(document_id))
    reviews = fact_checks_of(runtime(), [s.id for s in detail.statements])
    return render_template("document.html", document=detail.document, statements=detail.statements,
                           segments=marked_segments(detail.document.text, detail.statements), reviews=reviews)


@blp.errorhandler(NotFound)
def _not_found(error: NotFound) -> ResponseReturnValue:
    return render_template("error.html", status=404, message=error.message), 404


@blp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    return render_template("error.html", status=code, message=error.description), code


@dataclass(frozen=True)
class Segment:
    """A stretch of a document's text, marked when it is the claim of a statement."""

    text: str
    statement: Statement | None = None


def marked_segments(text: str, statements: list[Statement]) -> list[Segment]:
    """Cut the text at the claim spans (the first of overlapping spans wins) for highlighting."""
    segments: list[Segment] = []
    cursor = 0
    for statement in sorted(statements, key=lambda s: (s.claim_span.start, s.id)):
        start, end = statement.claim_span.start, statement.claim_span.end
        if start < cursor or end <= start or end > len(text):
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], statement))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def _checked_id(value: int) -> int:
    if not 1 <= value <= _MAX_ID:
        raise NotFound(f"No such id: {value}.")
    return value


def _cluster_filter(args: Mapping[str, str]) -> tuple[ClusterFilter, int]:
    kind = args.get("kind") or None
    if kind is not None and kind not in {k.value for k in ClusterKind}:
        raise BadFilter("kind must be contradiction or corroboration.")
    q = (args.get("q") or "").strip() or None
    if q is not None and (len(q) > 500 or "\x00" in q):
        raise BadFilter("The search text must be at most 500 characters, without NUL.")
    return ClusterFilter(
        kind=ClusterKind(kind) if kind else None, speaker_id=_positive(args, "speaker_id"),
        since=_date(args, "since"), until=_date(args, "until"), q=q,
    ), _positive(args, "page") or 1


def _positive(args: Mapping[str, str], name: str) -> int | None:
    raw = args.get(name) or ""
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= _MAX_ID:
        raise BadFilter(f"{name} must be a positive whole number.")
    return int(raw)


def _date(args: Mapping[str, str], name: str) -> dt.date | None:
    raw = args.get(name) or ""
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise BadFilter(f"{name} must be a date like 2022-03-31.") from None


def template_globals() -> dict[str, Any]:
    return {"ClusterKind": ClusterKind}


blp.app_context_processor(template_globals)
