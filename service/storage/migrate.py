"""Schema migrations (Alembic), run programmatically so `claimlens migrate` and start-up share one path."""
from __future__ import annotations

import logging
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
# Any constant works; it only has to be the same in every worker so that one of them migrates at a time.
_MIGRATION_LOCK_KEY = 7_341_102


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """Build the Alembic configuration pointing at the packaged migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def upgrade_schema(engine: sa.Engine) -> None:
    """Bring the schema to the newest revision; safe when several workers start at once."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        command.upgrade(alembic_config(connection), "head")
    logger.info("schema at head on %s", engine.url.render_as_string(hide_password=True))
