"""Query normalisation, lexical query terms and the fusion ranker of claim matching."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from service.domain.lexical import query_terms
from service.domain.ranking import FEATURES, Candidate, FusionRanker, normalise_query


@pytest.mark.parametrize(("tweet", "query"), [
    ("Hurricane Dorian washed up bricks of cocaine on Florida's coast pic.twitter.com/ApEtNvR7tb — NowThis "
     "(@nowthisnews) September 10, 2019",
     "Hurricane Dorian washed up bricks of cocaine on Florida's coast — NowThis (@nowthisnews) September 10, 2019"),
    ("CBC deletes Trump from Home Alone 2 #DefundTheCBChttps://t.co/CsHG8R9cHp", "CBC deletes Trump from Home Alone 2 "
     "Defund The CBC"),
    ("see   www.example.com/x\n now", "see now"),
    ("   ", ""),
])
def test_queries_lose_urls_and_hashes_but_keep_the_tweet_tail(tweet: str, query: str) -> None:
    assert normalise_query(tweet) == query


def test_query_terms_are_distinct_words_without_stop_words_or_syntax() -> None:
    assert query_terms('Did "the" Pope endorse Trump? The pope -- OR NEAR(x) 2016!') == [
        "pope", "endorse", "trump", "near", "2016"]
    assert len(query_terms(" ".join(f"word{n}" for n in range(100)))) == 32


def test_the_trained_ranker_prefers_what_both_retrievers_found(tmp_path: Path) -> None:
    strong = Candidate("fact_check", 1, "Vaccines cause autism.", None, 0.8, 0.8, 1, 1.0, 1)
    dense_only = Candidate("fact_check", 2, "Autism rates rose in 2019.", None, 0.7, 0.7, 2, 0.0, None)
    path = tmp_path / "fusion.json"
    path.write_text(json.dumps({"features": list(FEATURES), "weights": [1.0] * len(FEATURES), "bias": 0.0}))
    for ranker in (FusionRanker.load(path), FusionRanker.reciprocal_rank_fusion()):
        scores = ranker.score("do vaccines cause autism", [strong, dense_only])
        assert scores[0] > scores[1]
    assert np.array_equal(FusionRanker.load(tmp_path / "absent.json").weights,
                          FusionRanker.reciprocal_rank_fusion().weights)


def test_a_weights_file_for_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fusion.json"
    path.write_text(json.dumps({"features": ["a", "b"], "weights": [1, 2], "bias": 0}))
    with pytest.raises(ValueError, match="trained on features"):
        FusionRanker.load(path)
