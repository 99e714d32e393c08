"""Server-rendered pages for people: clusters with their sides and timeline, and the source documents."""
from __future__ import annotations

from service.web.pages import register_web

__all__ = ["register_web"]
