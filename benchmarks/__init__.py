"""Benchmarks of the service as it runs: speed, memory and robustness, each with its figures in `results/`.

Run from the repository root as modules, e.g. `HF_HUB_OFFLINE=1 .venv/bin/python -m benchmarks.match --help`:
`clustering`, `concurrency`, `extraction`, `fuzz`, `ingest`, `match`, `relation_runtime`; `common` holds what they
share (machine info, stage timing, the recorded command, writing results). The service never imports them.
"""
