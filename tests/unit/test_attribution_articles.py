"""The hand-annotated attribution articles (tests/data/attribution_articles, issue 20) through the served extractor.

The floors sit just under the figures reached when the set was written, so a change that loses speakers, roles or
affiliations on these styles (appositives, titles before the name, spokespeople, headlines, anonymous sources)
fails here; `lab.extraction.evaluate_seeds --gold tests/data/attribution_gold.json` prints every miss.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

import pytest

from lab.extraction import evaluate_seeds
from service.domain.extraction.statements import StatementExtractor
from service.settings import REPO_ROOT

DATA = REPO_ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def figures(extractor: StatementExtractor, monkeypatch_module: Any) -> dict[str, Any]:
    monkeypatch_module.setattr(evaluate_seeds, "load_extractor", lambda spec: extractor)
    args = argparse.Namespace(gold=DATA / "attribution_gold.json", seeds=DATA / "attribution_articles",
                              extractor="fixture", matching="hungarian")
    results, _ = evaluate_seeds.evaluate(args)
    return results


@pytest.fixture(scope="module")
def monkeypatch_module() -> Any:
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_gold_set_has_the_styles_it_claims() -> None:
    gold = json.loads((DATA / "attribution_gold.json").read_text(encoding="utf-8"))
    statements = [s for doc in gold["documents"] for s in doc["statements"]]
    assert len(gold["documents"]) >= 10 and len(statements) >= 80
    assert {s["speaker_kind"] for s in statements} == {"person", "organisation", "anonymous"}
    assert any(s.get("headline") for s in statements)


@pytest.mark.parametrize(("field", "floor"), [
    ("f1", 0.95), ("speaker_accuracy", 0.95), ("role_accuracy", 0.95), ("speaker_kind_accuracy", 0.95),
    ("affiliation_accuracy", 0.93), ("date_accuracy", 0.95), ("content_token_f1", 0.95),
])
def test_attribution_articles_reach_their_floor(figures: dict[str, Any], field: str, floor: float) -> None:
    assert figures[field] >= floor, f"{field} {figures[field]} < {floor}"
