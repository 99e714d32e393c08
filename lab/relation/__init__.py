"""The relation classifier (corroborates / contradicts / discusses / unrelated): data, training, evaluation.

Artefacts: `models/relation_xenc/` (the served LoRA cross-encoder, `train.py`) and `models/relation_baseline/`
(the numpy feature model, `train_baseline.py`). See `models/README.md` for the commands and the figures.
"""
