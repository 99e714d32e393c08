"""Access to the process's Runtime from views (the only place `current_app` is used)."""
from __future__ import annotations

from flask import current_app

from service.runtime import Runtime


def runtime() -> Runtime:
    """Return the Runtime that create_app attached to this app."""
    return current_app.extensions["claimlens"]
