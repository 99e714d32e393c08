"""The relational schema: SQLAlchemy Core tables (the migrations create them; this module describes them)."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("text_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("published_at", sa.Date, nullable=True),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("url", sa.Text, nullable=True),
    sa.Column("publisher", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

speakers = sa.Table(
    "speakers", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("affiliation", sa.Text, nullable=True),
    sa.Column("role", sa.Text, nullable=True),
)

speaker_aliases = sa.Table(
    "speaker_aliases", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("speaker_id", sa.Integer, sa.ForeignKey("speakers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("alias", sa.Text, nullable=False),
    sa.Column("alias_key", sa.String(255), nullable=False, index=True),
    sa.UniqueConstraint("speaker_id", "alias_key", name="uq_speaker_alias"),
)

statements = sa.Table(
    "statements", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("speaker_id", sa.Integer, sa.ForeignKey("speakers.id"), nullable=False, index=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("claim", sa.Text, nullable=False),
    sa.Column("claim_start", sa.Integer, nullable=False),
    sa.Column("claim_end", sa.Integer, nullable=False),
    sa.Column("speaker_start", sa.Integer, nullable=True),
    sa.Column("speaker_end", sa.Integer, nullable=True),
    sa.Column("date", sa.Date, nullable=True, index=True),
    sa.Column("date_text", sa.Text, nullable=True),
    sa.Column("date_basis", sa.String(16), nullable=False),
    sa.Column("cue", sa.Text, nullable=True),
    # (384,) float32 little-endian, L2-normalised: the index is rebuilt from these bytes.
    sa.Column("embedding", sa.LargeBinary, nullable=False),
    # The proposition group (statements joined by corroborating edges), named by its smallest statement id;
    # null only for rows stored before migration 0005, until the next rebuild.
    sa.Column("group_id", sa.Integer, nullable=True, index=True),
    sa.UniqueConstraint("document_id", "position", name="uq_statement_position"),
    # Ids only grow: the vector index catches up by the highest id it holds.
    sqlite_autoincrement=True,
)

relations = sa.Table(
    "relations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # Stored once per unordered pair: source_id < target_id.
    sa.Column("source_id", sa.Integer, sa.ForeignKey("statements.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("target_id", sa.Integer, sa.ForeignKey("statements.id", ondelete="CASCADE"), nullable=False,
              index=True),
    sa.Column("label", sa.String(16), nullable=False),
    sa.Column("probability", sa.Float, nullable=False),
    sa.Column("similarity", sa.Float, nullable=False),
    sa.UniqueConstraint("source_id", "target_id", name="uq_relation_pair"),
    sa.CheckConstraint("source_id < target_id", name="ck_relation_ordered"),
)

clusters = sa.Table(
    "clusters", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False, index=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    # Ids are never reused, so a deleted cluster's id cannot pass to an unrelated one.
    sqlite_autoincrement=True,
)

cluster_members = sa.Table(
    "cluster_members", metadata,
    sa.Column("cluster_id", sa.Integer, sa.ForeignKey("clusters.id", ondelete="CASCADE"), primary_key=True),
    # A statement belongs to at most one cluster: clusters partition the relation graph.
    sa.Column("statement_id", sa.Integer, sa.ForeignKey("statements.id", ondelete="CASCADE"),
              primary_key=True, unique=True),
    sa.Column("side", sa.Integer, nullable=False),
)

# The group graph: the most confident contradiction between two proposition groups (low < high).
group_contradictions = sa.Table(
    "group_contradictions", metadata,
    sa.Column("low_group_id", sa.Integer, primary_key=True),
    sa.Column("high_group_id", sa.Integer, primary_key=True, index=True),
    sa.Column("weight", sa.Float, nullable=False),
    sa.CheckConstraint("low_group_id < high_group_id", name="ck_group_contradiction_ordered"),
)

# Facts about the stored clustering, such as the edge thresholds its groups were built with.
cluster_state = sa.Table(
    "cluster_state", metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("value", sa.Text, nullable=False),
)

claim_reviews = sa.Table(
    "claim_reviews", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False, unique=True),  # identifies the review: re-imports update the row
    sa.Column("claim", sa.Text, nullable=False),
    sa.Column("title", sa.Text, nullable=True),
    sa.Column("rating", sa.Text, nullable=True),
    sa.Column("rating_value", sa.Float, nullable=True),
    sa.Column("best_rating", sa.Float, nullable=True),
    sa.Column("worst_rating", sa.Float, nullable=True),
    sa.Column("publisher", sa.Text, nullable=True),
    sa.Column("publisher_site", sa.Text, nullable=True, index=True),
    sa.Column("review_date", sa.Date, nullable=True),
    sa.Column("claimant", sa.Text, nullable=True),
    sa.Column("claimant_type", sa.String(32), nullable=True),  # schema.org type: Person or Organization
    sa.Column("claim_date", sa.Date, nullable=True),
    sa.Column("language", sa.String(35), nullable=True),
    sa.Column("appearance_url", sa.Text, nullable=True),
    sa.Column("source_jsonld", sa.Text, nullable=True),  # the ClaimReview object as imported (JSON)
    # (384,) float32, L2-normalised: of the claim, and of the title when it has one that differs from the claim.
    sa.Column("embedding", sa.LargeBinary, nullable=False),
    sa.Column("title_embedding", sa.LargeBinary, nullable=True),
    # Bumped on every insert and update (under the write lock, so revisions commit in increasing order):
    # the vector index catches up with rows whose revision is above the highest it holds.
    sa.Column("revision", sa.BigInteger, nullable=False, unique=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    # whose key: the SHA-256 of the caller's API key, or "anonymous"; the same key of two callers never collides
    sa.Column("owner", sa.String(64), primary_key=True),
    sa.Column("key", sa.String(255), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),  # SHA-256 of method, path and body
    sa.Column("status", sa.Integer, nullable=True),  # null while the first request is in progress
    sa.Column("body", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

jobs = sa.Table(
    "jobs", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("notified_at", sa.DateTime(timezone=True), nullable=True),  # when job.finished was emitted
    sqlite_autoincrement=True,
)

job_items = sa.Table(
    "job_items", metadata,
    sa.Column("job_id", sa.Integer, sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),  # the document's index in the submitted list
    sa.Column("payload", sa.Text, nullable=False),  # the document as submitted, JSON
    sa.Column("state", sa.String(16), nullable=False, index=True),  # pending, done or failed
    sa.Column("document_id", sa.Integer, nullable=True),
    sa.Column("error_code", sa.Integer, nullable=True),
    sa.Column("error_message", sa.Text, nullable=True),
)

webhooks = sa.Table(
    "webhooks", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("events", sa.Text, nullable=False),  # JSON list of the event names it receives
    sa.Column("secret", sa.Text, nullable=False),  # signs every delivery (HMAC-SHA256)
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sqlite_autoincrement=True,
)

webhook_deliveries = sa.Table(
    "webhook_deliveries", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("webhook_id", sa.Integer, sa.ForeignKey("webhooks.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("event", sa.String(32), nullable=False),
    sa.Column("data", sa.Text, nullable=False),  # JSON: the event's `data`
    sa.Column("state", sa.String(16), nullable=False),  # pending, delivered or failed
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_status", sa.Integer, nullable=True),  # the receiver's HTTP status, null when unreachable
    sa.Column("last_error", sa.Text, nullable=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
    sqlite_autoincrement=True,
)
