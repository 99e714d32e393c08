"""openapi.yaml is generated from the schemas; the committed file must not drift."""
from __future__ import annotations

import yaml

from service.api.spec import openapi_yaml
from service.settings import REPO_ROOT


def test_committed_openapi_matches_the_code() -> None:
    committed = (REPO_ROOT / "openapi.yaml").read_text(encoding="utf-8")
    assert committed == openapi_yaml(), "openapi.yaml is stale: run `claimlens openapi`"


def test_openapi_lists_every_contract_path() -> None:
    paths = yaml.safe_load(openapi_yaml())["paths"]
    for path in ("/v1/health", "/v1/extract", "/v1/documents", "/v1/documents/{document_id}", "/v1/statements",
                 "/v1/statements/{statement_id}", "/v1/speakers", "/v1/speakers/{speaker_id}",
                 "/v1/relations/classify", "/v1/claims/match", "/v1/claimreviews", "/v1/clusters",
                 "/v1/clusters/{cluster_id}", "/v1/statements/{statement_id}/claimreview", "/v1/claims:search",
                 "/v1/clusters/{cluster_id}/claims"):
        assert path in paths
