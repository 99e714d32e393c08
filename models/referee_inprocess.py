"""Run the shared referee (`../shared/eval/score`) against the app in-process, through Flask's test client.

The referee's own code builds every request and computes every figure; only the transport differs (no server,
no HTTP), so the figures are those `score URL TASK` prints for the same settings. Handy for comparing relation
models without starting a server per model:

    HF_HUB_OFFLINE=1 CLAIMLENS_RELATION_MODEL_DIR=models/relation_xenc \\
        .venv/bin/python models/referee_inprocess.py relation [--database sqlite:////tmp/referee.sqlite3]

The store is a fresh SQLite file in a temporary folder unless `--database` is given (the matching task imports
10,375 fact-checks into it).
"""
from __future__ import annotations

import argparse
import importlib.machinery
import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
REFEREE = REPO_ROOT.parent / "shared" / "eval"


class InProcessClient:
    """The referee's `Client` interface (get, post → (status, JSON or text)) over a Flask test client."""

    def __init__(self, test_client: Any) -> None:
        self._client = test_client

    def request(self, method: str, path: str, body: Any = None, **_: Any) -> tuple[int, Any]:
        response = self._client.open(path, method=method, json=body)
        payload = response.get_json(silent=True)
        return response.status_code, payload if payload is not None else response.get_data(as_text=True)

    def get(self, path: str, **kw: Any) -> tuple[int, Any]:
        return self.request("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        return self.request("POST", path, body, **kw)


def load_referee() -> Any:
    """Import the referee's `score` script (it has no .py suffix) as a module."""
    sys.path.insert(0, str(REFEREE))
    loader = importlib.machinery.SourceFileLoader("referee_score", str(REFEREE / "score"))
    spec = importlib.util.spec_from_loader("referee_score", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["extraction", "relation", "matching", "seeds"])
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--nli-only", action="store_true",
                        help="relation: only the referee's two NLI sets (the FNC-1 passages take the longest)")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO_ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CLAIMLENS_DATABASE_URL"] = args.database or f"sqlite:///{tmp}/referee.sqlite3"
        from service import create_app
        from service.cli import seed_directory
        from service.runtime import build_runtime
        from service.settings import Settings

        runtime = build_runtime(Settings.from_env())
        if args.task == "seeds":
            seed_directory(runtime, REPO_ROOT / "seeds")
        app = create_app(runtime=runtime)
        referee, client = load_referee(), InProcessClient(app.test_client())
        if args.task == "relation" and args.nli_only:
            data = REFEREE.parent / "data"
            figures = {**referee.score_nli(client, referee.nli_tsv(
                           data / "counterfactual-nli" / "all_combined" / "test.tsv"), "cnli"),
                       **referee.score_nli(client, referee.negational(data / "snli" / "snli_negational.tsv"),
                                           "negational")}
        else:
            figures = referee.run(args.task, client)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
