"""What the benchmarks share: the machine a run measured on, time per stage, the recorded command, the results.

Every benchmark runs from the repository root as a module, `HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.<name>
[--help]`, and writes its figures to `benchmarks/results/` (JSON, some with a markdown summary beside it).
"""
from __future__ import annotations

import contextlib
import json
import os
import platform
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from lab.paths import REPO_ROOT

RESULTS_DIR = REPO_ROOT / "benchmarks" / "results"


def command_line(module: str, argv: Sequence[str] | None = None) -> str:
    """Return the command a run records: `python -m <module>` and its arguments (sys.argv's when argv is None)."""
    return " ".join(["python -m", module, *(argv if argv is not None else sys.argv[1:])]).strip()


def load_average() -> list[float]:
    """Return the 1, 5 and 15 minute load averages (the cores may be shared with other work)."""
    return list(os.getloadavg())


def machine_info() -> dict[str, Any]:
    import numpy
    import sentence_transformers
    import torch

    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    return {
        "cpu_model": cpu_model,
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "torch_interop_threads": torch.get_num_interop_threads(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "sentence_transformers": sentence_transformers.__version__,
        "numpy": numpy.__version__,
        "loadavg_start": list(os.getloadavg()),
    }


class StageClock:
    """Accumulates wall time per stage; nested calls are attributed to the outermost stage only."""

    def __init__(self) -> None:
        self.totals: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self._active: str | None = None

    def reset(self) -> None:
        self.totals.clear()
        self.calls.clear()
        self.counts.clear()

    def wrap(self, stage: str, func: Callable[..., Any], count: Callable[..., int] | None = None
             ) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            key = stage if self._active is None else f"{stage} (inside {self._active})"
            if count is not None:
                self.counts[key] = self.counts.get(key, 0) + count(*args, **kwargs)
            if self._active is not None:  # nested (e.g. the classifier encoding its pairs): parent owns the time
                return func(*args, **kwargs)
            self._active = stage
            start = time.perf_counter()
            try:
                return func(*args, **kwargs)
            finally:
                self.totals[stage] = self.totals.get(stage, 0.0) + time.perf_counter() - start
                self.calls[stage] = self.calls.get(stage, 0) + 1
                self._active = None
        return timed

    def wrap_cm(self, stage: str, factory: Callable[[], Any]) -> Callable[[], Any]:
        clock = self

        @contextlib.contextmanager
        def timed() -> Iterator[Any]:
            # A transaction may run classification (late rows of other workers) and is where the clustering
            # happens: time it as a whole, and subtract nested model stages afterwards.
            start = time.perf_counter()
            before = dict(clock.totals)
            with factory() as tx:
                yield tx
            elapsed = time.perf_counter() - start
            nested = sum(clock.totals.get(k, 0.0) - before.get(k, 0.0) for k in clock.totals)
            clock.totals[stage] = clock.totals.get(stage, 0.0) + elapsed - nested
            clock.calls[stage] = clock.calls.get(stage, 0) + 1
        return timed


def write_results(path: Path, report: dict[str, Any], *, indent: int = 2, markdown: str | None = None,
                  default: Callable[[Any], Any] | None = None) -> None:
    """Write the report as JSON to `path` (folders made) and, when given, the markdown summary beside it (.md)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=indent, default=default) + "\n", encoding="utf-8")
    if markdown is not None:
        path.with_suffix(".md").write_text(markdown, encoding="utf-8")
