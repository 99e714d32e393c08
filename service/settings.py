"""Every knob of the service in one frozen dataclass; only `Settings.from_env()` reads the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

_SOURCE_ROOT = Path(__file__).resolve().parent.parent
# In a checkout (editable install) paths are relative to the repository; after `pip install .` the package lives
# in site-packages, so they are relative to the working directory, where `models/` and `seeds/` are expected.
REPO_ROOT = _SOURCE_ROOT if (_SOURCE_ROOT / "pyproject.toml").exists() else Path.cwd()


def _default_database_url() -> str:
    return f"sqlite:///{REPO_ROOT / 'var' / 'claimlens.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    """Configuration of one claimlens process."""

    database_url: str = field(default_factory=_default_database_url)
    api_keys: tuple[str, ...] = ()
    # The trained cross-encoder (models/README.md, relation_xenc); models/relation_baseline is the fast
    # feature-based fallback (numpy only; worse on every public set, see models/README.md).
    relation_model_dir: Path = REPO_ROOT / "models" / "relation_xenc"
    # The cross-encoder that answers POST /v1/relations/classify and the relation of a claim match to its query
    # (models/README.md, relation_classify: the one-word swaps and contrast pairs, selected on the six dev sets);
    # the ingest keeps relation_model_dir, whose readings the clustering and its opposition scorer are tuned on.
    # A folder without an adapter: relation_model_dir answers both.
    classify_model_dir: Path = REPO_ROOT / "models" / "relation_classify"
    # Quantise the cross-encoder's linear layers to int8 at load: twice the fp32 speed on CPU, but FNC-1 dev
    # contradicts F1 0.53-0.56 instead of 0.61, and a pair's probabilities then depend on the pairs batched with it
    # (activations are scaled per batch); benchmarks/results/relation_runtime.json, models/README.md. Off: fp32.
    relation_int8: bool = False
    # The ingest's model reads a claim that only denies X ("It is not true that X", "reports of X are false")
    # against another claim as X against it, with corroborates and contradicts swapped
    # (service/domain/relation/denial.py): the seeds' two stories no longer chain through a denial, FNC-1 dev
    # stories opposed-pair F1 0.747 -> 0.765. A user's pair (POST /v1/relations/classify) is read as written.
    read_denials: bool = True
    # The combiner over the cross-encoder: its probabilities both ways plus negation, denial, antonym, state,
    # quantity and date checks through a small calibrated regression (models/README.md, relation_combiner).
    # Off by default: +0.04 on the news-contrast set and +0.006 on the mean of six dev sets, but SNLI -0.014 and
    # the seeds' Kyiv pair ("reduce activity around Kyiv" vs "not withdrawing, but repositioning") read as
    # corroborates. Fitted on fp32 outputs; with relation_int8 it reads the int8 ones as they are.
    relation_combiner: bool = False
    relation_combiner_dir: Path = REPO_ROOT / "models" / "relation_combiner"
    # The same kind of combiner over the classify model, for two claims only (a passage keeps the cross-encoder's
    # reading), fitted on its readings with FNC-1 train headline pairs among its sources: SNLI test 0.735 -> 0.762,
    # a headline-stance stand-in 0.608 -> 0.656, no dev set worse (models/README.md, relation_classify_combiner).
    classify_combiner: bool = True
    classify_combiner_dir: Path = REPO_ROOT / "models" / "relation_classify_combiner"
    matching_model_path: Path = REPO_ROOT / "models" / "matching" / "fusion.json"
    # The trained attribution tagger adds the attributions the extraction rules miss (models/README.md,
    # extraction); off: the rules alone (more precise, lower recall).
    extraction_tagger: bool = True
    attribution_tagger_dir: Path = REPO_ROOT / "models" / "attribution_tagger"
    max_text_chars: int = 200_000
    max_request_bytes: int = 2 * 1024 * 1024
    list_limit_max: int = 500
    # Candidate pairs: cosine similarity of MiniLM embeddings above which the relation model is asked.
    candidate_min_similarity: float = 0.45
    candidate_max_per_statement: int = 50
    # Calibrated probabilities above which an edge counts for clustering, and the embedding similarity an edge
    # needs besides. Chosen on two dev sets at once (lab/clustering/stories.py): the shared referee's FNC-1 dev
    # stories pushed as structured claims (0.6 / 0.65: opposed-pair F1 0.621, same-side precision 0.724, 38 pairs
    # mixing two stories; 0.85 / 0.8: 0.704, 0.949, none) and the seeds (both seed contradictions found).
    corroborates_threshold: float = 0.85
    contradicts_threshold: float = 0.8
    # Two statements are also stored as contradicting when the opposition scorer (models/cluster_opposition,
    # fitted on FNC-1 train headline pairs of one story) gives P(opposed) >= opposition_threshold; the edge
    # threshold is then that one. FNC-1 dev stories: opposed-pair F1 0.704 -> 0.725, same-side precision 0.950,
    # none mixing two stories; the seeds unchanged (lab/clustering/opposition.py, models/README.md).
    # Used with the cross-encoder it was fitted on only.
    cluster_opposition: bool = True
    cluster_opposition_path: Path = REPO_ROOT / "models" / "cluster_opposition" / "opposition.json"
    opposition_threshold: float = 0.7
    cluster_min_similarity: float = 0.5
    # A pair at least this similar that is not a confident contradiction is grouped as one claim: rewordings of
    # one headline ("Big Bank Hank dies at 57" / "... dead at 57") that the relation model calls `corroborates`
    # below its threshold, or `discusses`. 0.6 (best on CheckThat! 2020 train) also merges the seeds' two
    # contradictions; 0.9, the middle of the plateau 0.86-0.92 on the FNC-1 dev stories, lifts their
    # opposed-pair F1 0.725 -> 0.747 with none mixing two stories, CheckThat dev B-cubed F1 0.661 -> 0.675 at
    # precision 1.0, and leaves the seeds' disputes as they were (models/README.md, clustering).
    same_claim_similarity: float = 0.9
    match_top_k: int = 10
    # Claim matching: candidates taken from each retriever before fusion, and the similarity above which an
    # imported fact-check is shown as the ClaimReview of a stored statement (fitted on CheckThat! 2020 train:
    # gold claim vs the most similar other claim, `lab/matching/train.py`).
    match_candidates: int = 100
    fact_check_link_similarity: float = 0.61
    # `claims:search` shows no fact-check less similar to the query than this (best of its claim and title), so an
    # unrelated query finds nothing, as on Google. On CheckThat! 2020 dev with its 10,375 claims stored
    # (lab/matching/relevance_floor.py): 0.45 keeps 92% of the tweets' gold matches and leaves 6 of 8 made-up
    # queries with nothing (0.40: 95% / 4 of 8; 0.50: 86% / 7 of 8). The fused score separates worse.
    search_min_similarity: float = 0.45
    # Above this many vectors an index switches from exact numpy search to a float16 HNSW graph (usearch).
    ann_threshold: int = 50_000
    # On PostgreSQL with pgvector, the HNSW search breadth (hnsw.ef_search) of each vector query: 200 gives recall@10
    # 0.989 against exact search at 1M vectors with migration 0011's indexes (benchmarks/pgvector.py --store).
    ef_search: int = 200
    # Threads torch may use in this process; 0 keeps torch's default (all cores). `claimlens serve` sets
    # cores // workers, since oversubscribed workers slow each other down (benchmarks/results/match.md).
    torch_threads: int = 0
    max_fact_checks_per_request: int = 1_000
    max_statements_per_request: int = 1_000  # POST /v1/statements
    max_documents_per_job: int = 10_000  # POST /v1/jobs
    # POST /v1/jobs alone may send a larger body: 10,000 news articles of a few thousand characters each do not
    # fit max_request_bytes (5,000 FNC-1 bodies and paragraphs are 3.3 MB of JSON).
    max_job_request_bytes: int = 64 * 1024 * 1024
    # Bulk jobs go to this Redis (RQ) queue, drained by `claimlens worker`; empty: a background thread of the
    # serving process does them (the embedded default).
    queue_url: str = ""
    # The first wait before a webhook delivery is retried; it doubles after each failure (5 attempts in all).
    webhook_retry_base_s: float = 5.0
    # Hosts a webhook may be registered for (exact names, or ".example.org" for a domain and its subdomains);
    # empty: any. Set it where the service can reach internal addresses a user should not make it POST to.
    webhook_allowed_hosts: tuple[str, ...] = ()
    log_level: str = "INFO"
    # Requests per caller (API key, or address without one), flask-limiter syntax; empty turns the limit off.
    rate_limit: str = "6000 per minute"
    rate_limit_storage_uri: str = "memory://"
    # With API keys set, reads need a key too (writes always do).
    reads_need_key: bool = False

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        """Read CLAIMLENS_* variables over the defaults."""
        env = os.environ if environ is None else environ
        overrides: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"CLAIMLENS_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            overrides[f.name] = _parse(f.name, raw, getattr(cls(), f.name))
        return replace(cls(), **overrides)


def _parse(name: str, raw: str, default: Any) -> Any:
    if isinstance(default, tuple):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if isinstance(default, Path):
        return Path(raw)
    if isinstance(default, bool):
        return raw.lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw
