"""claimlens's lab: training and evaluation of the models the service serves, kept outside the service.

Each script is run from the repository root as a module, e.g. `HF_HUB_OFFLINE=1 .venv/bin/python -m
lab.relation.evaluate --help`:

- `lab.relation`: the relation classifier (baseline and LoRA cross-encoder): pack data, train, calibrate, evaluate;
- `lab.extraction`: the attribution tagger's trainer and the extraction evaluations (seeds, PolNeAR, TempEval-3);
- `lab.matching`: the claim-matching fusion weights (train, evaluate on CheckThat! 2020);
- `lab.clustering`: the clustering evaluated on CheckThat! 2020;
- `lab.referee`: the shared referee (`../shared/eval/score`) run against the app in-process;
- `lab.datasets`: loaders of the `../shared/data` sets that several scripts read; `lab.paths`: where things are.

The trained artefacts the scripts write live in `models/` (one manifest each, `models/README.md` is the model
card index); the figures they record live in `lab/results/`. The lab imports the service (to measure exactly what
it serves); the service never imports the lab (an import-linter contract in pyproject.toml).
"""
