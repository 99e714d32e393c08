"""Per-caller rate limit (flask-limiter): 429 with `Retry-After` once a caller exceeds `Settings.rate_limit`.

The caller is its API key (hashed) or, without one, its address. Counters live in `rate_limit_storage_uri`:
`memory://` counts per worker process; give a shared store (e.g. `redis://127.0.0.1:6379`) to count across the
workers and hosts of one deployment.
"""
from __future__ import annotations

import hashlib

from flask import Flask, request
from flask_limiter import Limiter

from service.settings import Settings

_UNLIMITED_ENDPOINTS = frozenset({"health.Health", "health.Ready"})


def install_rate_limit(app: Flask, settings: Settings) -> Limiter | None:
    if not settings.rate_limit:
        return None
    limiter = Limiter(key_func=_caller, app=app, default_limits=[settings.rate_limit],
                      storage_uri=settings.rate_limit_storage_uri, headers_enabled=True,
                      default_limits_exempt_when=lambda: request.endpoint in _UNLIMITED_ENDPOINTS)
    return limiter


def _caller() -> str:
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return "key:" + hashlib.sha256(header[len("Bearer "):].strip().encode()).hexdigest()
    return "addr:" + (request.remote_addr or "unknown")
