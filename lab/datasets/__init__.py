"""Loaders of the `../shared/data` sets that several lab scripts (and benchmarks) read.

- `checkthat`: CheckThat! 2020 task 2 (verified claims as ClaimReviews, tweets as queries);
- `polnear`: PolNeAR's gold attributions, as the shared referee reads them;
- `relation_pairs`: labelled (claim, other) pairs from FNC-1, SNLI, MultiNLI, counterfactual NLI and ANLI.
"""
