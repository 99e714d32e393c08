# claimlens API image: CPU-only torch, models packaged as pip dependencies, served by gunicorn.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    CLAIMLENS_RELATION_MODEL_DIR=/app/models/relation_xenc \
    CLAIMLENS_ATTRIBUTION_TAGGER_DIR=/app/models/attribution_tagger

WORKDIR /app

# The CPU build of the pinned torch first, so that `pip install .` finds torch==2.13.0 satisfied
# instead of pulling the CUDA wheels from PyPI.
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

# Build from a scratch copy and drop it, so that `python -m gunicorn` (which puts the working directory on
# sys.path) imports the installed package, not a stray source tree.
COPY pyproject.toml /tmp/src/
COPY service /tmp/src/service
RUN cd /tmp/src && pip install . && cd / && rm -rf /tmp/src

# The trained models are not part of the Python package; settings point at them through the env above.
COPY models/relation_xenc ./models/relation_xenc
# POST /v1/relations/classify's cross-encoder and its combiner for two claims, and the opposition scorer of stored
# statement pairs (the defaults under the working directory /app).
COPY models/relation_classify ./models/relation_classify
COPY models/relation_classify_combiner ./models/relation_classify_combiner
# the antonym list the classify combiner's features read (its combiner.json names it)
COPY models/relation_combiner/antonyms.tsv ./models/relation_combiner/antonyms.tsv
COPY models/cluster_opposition ./models/cluster_opposition
COPY models/attribution_tagger ./models/attribution_tagger
# Without it claim matching silently falls back to reciprocal-rank fusion (FusionRanker.load).
COPY models/matching ./models/matching
# Demo corpus: `docker compose exec api claimlens seed /app/seeds`.
COPY seeds ./seeds

RUN useradd --create-home --uid 10001 claimlens
USER claimlens

EXPOSE 8000
CMD ["sh", "-c", "claimlens migrate && exec claimlens serve --host 0.0.0.0 --port 8000 --workers 2"]
