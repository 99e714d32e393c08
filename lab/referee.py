"""Run the shared referee (`../shared/eval/score`) against the app in-process, through Flask's test client.

The referee's own code builds every request and computes every figure; only the transport differs (no server,
no HTTP), so the figures are those `score URL TASK` prints for the same settings. Handy for comparing relation
models without starting a server per model:

    HF_HUB_OFFLINE=1 CLAIMLENS_RELATION_MODEL_DIR=models/relation_xenc \\
        .venv/bin/python -m lab.referee relation [--database sqlite:////tmp/referee.sqlite3]

The store is a fresh SQLite file in a temporary folder unless `--database` is given (the matching task imports
10,375 fact-checks into it); `seeds` first loads the five demo articles into it, as `claimlens seed` does.

The referee is a script without a .py suffix that imports its sibling modules by their bare names (`from client
import Client`, ...). They are loaded here from their files with importlib and registered in `sys.modules` under
those names before `score` itself runs, so its imports resolve to them.
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
from types import ModuleType
from typing import Any

from lab.paths import REFEREE_DIR, SEEDS_DIR

# Every other sibling module imports `client` (`from client import Client, f1`), so it is loaded first.
REFEREE_CLIENT = "client"


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


def _load_module(name: str, path: Path) -> ModuleType:
    """Execute the source file at `path` as module `name`, registered in sys.modules (before it runs)."""
    loader = importlib.machinery.SourceFileLoader(name, str(path))
    spec = importlib.util.spec_from_loader(name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def load_referee(directory: Path = REFEREE_DIR) -> Any:
    """Import the referee's `score` script (it has no .py suffix) as a module, its sibling modules first.

    Each `<name>.py` beside `score` is registered as `<name>` (how `score` and the siblings import one another),
    `client` first; `score` itself is registered as `referee_score`.
    """
    siblings = sorted(directory.glob("*.py"), key=lambda path: (path.stem != REFEREE_CLIENT, path.stem))
    for path in siblings:
        _load_module(path.stem, path)
    return _load_module("referee_score", directory / "score")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", choices=["extraction", "relation", "matching", "seeds", "clusters"])
    parser.add_argument("--database", help="a database URL (default: a fresh SQLite file)")
    parser.add_argument("--nli-only", action="store_true",
                        help="relation: only the referee's two NLI sets (the FNC-1 passages take the longest)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CLAIMLENS_DATABASE_URL"] = args.database or f"sqlite:///{tmp}/referee.sqlite3"
        from service import create_app
        from service.cli import seed_directory
        from service.runtime import build_runtime
        from service.settings import Settings

        runtime = build_runtime(Settings.from_env())
        if args.task == "seeds":
            seed_directory(runtime, SEEDS_DIR)
        app = create_app(runtime=runtime)
        referee, client = load_referee(), InProcessClient(app.test_client())
        if args.task == "relation" and args.nli_only:
            data = REFEREE_DIR.parent / "data"
            figures = {**referee.score_nli(client, referee.nli_tsv(
                           data / "counterfactual-nli" / "all_combined" / "test.tsv"), "cnli"),
                       **referee.score_nli(client, referee.negational(data / "snli" / "snli_negational.tsv"),
                                           "negational")}
        else:
            figures = referee.run(args.task, client)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
