"""The OpenAPI document, generated from the blueprints and schemas."""
from __future__ import annotations

import yaml
from flask import Flask

from service.api import register_api


def openapi_yaml() -> str:
    """Render the OpenAPI document as YAML without loading any model or database."""
    api = register_api(Flask("claimlens"))
    return yaml.safe_dump(api.spec.to_dict(), sort_keys=True, allow_unicode=True)
