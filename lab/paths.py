"""Where the lab finds its inputs and puts its outputs, relative to the repository root."""
from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"  # the public data sets (read only, never copied here)
REFEREE_DIR = REPO_ROOT.parent / "shared" / "eval"  # the shared referee (`score` and its modules)
DEVDATA = REPO_ROOT / ".devdata"  # caches, packed training rows and kept stores (git-ignored)
MODELS_DIR = REPO_ROOT / "models"  # the trained artefacts the service loads
RESULTS_DIR = REPO_ROOT / "lab" / "results"  # the figures the evaluations record
SEEDS_DIR = REPO_ROOT / "seeds"  # the five demo articles
