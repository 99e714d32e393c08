"""Statement extraction: the attribution tagger's trainer and the evaluations of the served extractor.

`train_tagger.py` trains `models/attribution_tagger/` (served by `service.domain.extraction.tagger`);
`evaluate_seeds.py`, `evaluate_polnear.py` and `evaluate_tempeval.py` measure the served extractor.
"""
