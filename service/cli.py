"""The `claimlens` command: seed, import, serve, migrate, recluster, openapi, worker."""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tqdm import tqdm

from service.logs import configure_logging
from service.settings import REPO_ROOT, Settings

if TYPE_CHECKING:
    from service.runtime import Runtime

logger = logging.getLogger(__name__)

# A seed file may open with " date YYYY-MM-DD", followed by a newline or directly by the text.
_DATE_LINE = re.compile(r"\A[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})[ \t]*(?:\r?\n)?")


def split_seed(raw: str) -> tuple[str, dt.date | None]:
    """Split a seed file into its text and publication date (None when the file gives none)."""
    found = _DATE_LINE.match(raw)
    if not found:
        return raw, None
    return raw[found.end():], dt.date.fromisoformat(found.group(1))


def seed_directory(runtime: Runtime, directory: Path) -> int:
    """Ingest every `*.txt` of a directory and return how many were new; running it twice stores nothing new."""
    from service.domain.entities import DocumentSubmission
    from service.usecases.ingest import ingest_document

    files = sorted(directory.glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt files in {directory}")
    created = 0
    for path in tqdm(files, desc="seeding", unit="doc"):
        text, published_at = split_seed(path.read_text(encoding="utf-8"))
        result = ingest_document(runtime, DocumentSubmission(text, published_at, title=path.stem))
        created += result.created
    logger.info("seeded %d files (%d new)", len(files), created)
    return created


def seed(directory: Path, settings: Settings) -> None:
    """Open the store and models, then ingest the directory."""
    from service.runtime import build_runtime

    seed_directory(build_runtime(settings), directory)


def import_feed(runtime: Runtime, path: Path, batch_size: int = 500) -> tuple[int, int, int]:
    """Import a ClaimReview feed in batches, skipping invalid items; return (created, updated, rejected)."""
    from service.feeds import iter_feed
    from service.usecases.fact_checks import import_fact_checks

    created = updated = rejected = 0
    batch: list[tuple[int, object]] = []

    def flush() -> None:
        nonlocal created, updated, rejected
        outcome = import_fact_checks(runtime, [item for _, item in batch], skip_invalid=True)
        created, updated, rejected = created + outcome.created, updated + outcome.updated, rejected + len(
            outcome.rejected)
        for position, errors in list(outcome.rejected.items())[:3]:
            logger.warning("item %d rejected: %s", batch[position][0], errors)
        batch.clear()

    with tqdm(desc=f"importing {path.name}", unit="review") as progress:
        for entry in iter_feed(path):
            progress.update(1)
            if entry.error is not None:
                rejected += 1
                logger.warning("%s", entry.error)
                continue
            batch.append((entry.position, entry.item))
            if len(batch) >= batch_size:
                flush()
        if batch:
            flush()
    logger.info("imported %s: %d created, %d updated, %d rejected", path, created, updated, rejected)
    return created, updated, rejected


def serve(host: str, port: int, workers: int, settings: Settings) -> None:
    """Migrate the schema, then run gunicorn on `service:create_app()`."""
    from service.storage.migrate import upgrade_schema
    from service.storage.sql import create_engine

    upgrade_schema(create_engine(settings.database_url))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if settings.torch_threads == 0:
        os.environ["CLAIMLENS_TORCH_THREADS"] = str(max(1, (os.cpu_count() or 1) // max(1, workers)))
    argv = ["gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers), "--timeout", "120",
            "service:create_app()"]  # no gunicorn access log: the app writes one JSON line per request
    os.execvp(sys.executable, [sys.executable, "-m", *argv])


def write_openapi(path: Path) -> None:
    """Write the OpenAPI document generated from the schemas."""
    from service.api.spec import openapi_yaml

    path.write_text(openapi_yaml(), encoding="utf-8")
    logger.info("wrote %s", path)


def recluster(settings: Settings) -> None:
    """Rebuild every cluster from the stored relations."""
    from service.runtime import build_runtime
    from service.usecases.clusters import recluster_all

    count = recluster_all(build_runtime(settings))
    logger.info("%d clusters after reclustering", count)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the claimlens command line."""
    parser = argparse.ArgumentParser(prog="claimlens", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    seed_cmd = commands.add_parser("seed", help="load the demo corpus (idempotent)")
    seed_cmd.add_argument("directory", nargs="?", type=Path, default=REPO_ROOT / "seeds")
    import_cmd = commands.add_parser("import", help="import a ClaimReview feed (JSON or JSON Lines, any size)")
    import_cmd.add_argument("file", type=Path)
    serve_cmd = commands.add_parser("serve", help="run the API under gunicorn")
    serve_cmd.add_argument("--host", default="127.0.0.1")
    serve_cmd.add_argument("--port", type=int, default=8000)
    serve_cmd.add_argument("--workers", type=int, default=1)
    commands.add_parser("migrate", help="bring the database schema to the newest revision")
    commands.add_parser("recluster", help="rebuild all clusters from the stored relations")
    worker_cmd = commands.add_parser("worker", help="ingest bulk-job documents from the queue (CLAIMLENS_QUEUE_URL)")
    worker_cmd.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    openapi_cmd = commands.add_parser("openapi", help="write openapi.yaml from the schemas")
    openapi_cmd.add_argument("path", nargs="?", type=Path, default=REPO_ROOT / "openapi.yaml")
    args = parser.parse_args(argv)

    settings = Settings.from_env()
    configure_logging(settings.log_level)
    if args.command == "seed":
        seed(args.directory, settings)
    elif args.command == "import":
        from service.runtime import build_runtime

        if not args.file.is_file():
            raise SystemExit(f"no such file: {args.file}")
        import_feed(build_runtime(settings), args.file)
    elif args.command == "serve":
        serve(args.host, args.port, args.workers, settings)
    elif args.command == "migrate":
        from service.storage.migrate import upgrade_schema
        from service.storage.sql import create_engine

        upgrade_schema(create_engine(settings.database_url))
    elif args.command == "recluster":
        recluster(settings)
    elif args.command == "openapi":
        write_openapi(args.path)
    elif args.command == "worker":
        from service.worker import run_worker

        run_worker(settings, burst=args.burst)


if __name__ == "__main__":
    main()
