"""Fuzz the API with schemathesis from `openapi.yaml`: thousands of generated requests, valid and invalid.

Every operation gets `--per-operation` schema-valid requests and as many schema-violating ones, sent in-process to
an app over a fresh SQLite store with the real models. Counted: cases, answers by status class, 5xx answers and
answers that break the spec (undocumented status, wrong content type or headers, body not matching its schema).
Requests judged too strictly or too leniently are not counted as failures (see tests/api/test_fuzz.py).

Run from the repository root:
`HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.fuzz [--per-operation 160] [--out benchmarks/results/fuzz.json]`
(the default makes 16 operations x 2 modes x 160 + the 2 probes = 5,122 cases).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import hypothesis
import schemathesis
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from benchmarks.common import RESULTS_DIR, write_results
from lab.paths import REPO_ROOT

DEFAULT_OUT = RESULTS_DIR / "fuzz.json"


def generate(strategy: Any, count: int) -> list[schemathesis.Case]:
    """Draw up to `count` distinct cases from a strategy (hypothesis decides how many distinct ones exist)."""
    cases: list[schemathesis.Case] = []

    @hypothesis.settings(max_examples=count, deadline=None, database=None, derandomize=True,
                         suppress_health_check=list(hypothesis.HealthCheck), phases=[hypothesis.Phase.generate])
    @hypothesis.given(case=strategy)
    def collect(case: schemathesis.Case) -> None:
        cases.append(case)

    # no invalid request exists for an operation without inputs: hypothesis says so, and that is fine
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        collect()
    return cases


def fuzz(per_operation: int) -> dict[str, Any]:
    from service import create_app
    from service.runtime import build_runtime
    from service.settings import Settings

    database = Path(tempfile.mkdtemp()) / "fuzz.sqlite3"
    app = create_app(runtime=build_runtime(Settings(database_url=f"sqlite:///{database}", rate_limit="")))
    schema = schemathesis.openapi.from_path(REPO_ROOT / "openapi.yaml")
    statuses: Counter[str] = Counter()
    failures: list[dict[str, str]] = []
    per_operation_cases: dict[str, int] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        label = f"{operation.method.upper()} {operation.path}"
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            cases = generate(operation.as_strategy(generation_mode=mode), per_operation)
            for case in cases:
                response = case.call(app=app)
                statuses[f"{response.status_code // 100}xx"] += 1
                try:
                    case.validate_response(response,
                                           excluded_checks=[positive_data_acceptance, negative_data_rejection])
                except Exception as failure:
                    failures.append({"operation": label, "mode": mode.value, "status": str(response.status_code),
                                     "failure": str(failure).splitlines()[0][:300]})
            per_operation_cases[label] = per_operation_cases.get(label, 0) + len(cases)
    return {"cases": sum(per_operation_cases.values()), "statuses": dict(sorted(statuses.items())),
            "server_errors": statuses.get("5xx", 0), "spec_violations": len(failures),
            "failures": failures[:50], "per_operation": per_operation_cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-operation", type=int, default=160)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    started = time.perf_counter()
    report = fuzz(args.per_operation)
    report["seconds"] = round(time.perf_counter() - started, 1)
    write_results(args.out, report)
    summary = {k: v for k, v in report.items() if k not in ("failures", "per_operation")}
    print(json.dumps(summary, indent=2))
    for failure in report["failures"][:10]:
        print(failure)


if __name__ == "__main__":
    main()
