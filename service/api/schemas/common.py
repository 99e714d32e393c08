"""What the schemas share: size limits (some from the running service's settings), text validators, pages."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
)

from service.api.context import runtime
from service.domain.claimreview import is_encodable
from service.settings import Settings

T = TypeVar("T")

# Limits a running service takes from its settings; the OpenAPI description shows their defaults.
DEFAULT = Settings()
MAX_CLAIM_CHARS = 2_000
MAX_PASSAGE_CHARS = 10_000
MAX_PAIRS = 256
MAX_ID = 2**31 - 1
MAX_SEARCH_OFFSET = 10_000


def has_content(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must contain non-whitespace text.")
    no_nul(value)


def no_nul(value: str) -> None:
    if "\x00" in value:
        raise ValidationError("Must not contain NUL characters.")
    if not is_encodable(value):
        raise ValidationError("Must be valid Unicode text (a lone surrogate such as \\ud800 is not).")


class AtMostSetting(validate.Validator):
    """Reject a value whose size (a string's length, a list's length, or a number) exceeds a setting of the
    running service, read when the request is validated."""

    def __init__(self, setting: str) -> None:
        self.setting = setting

    def __call__(self, value: Any) -> Any:
        limit = getattr(runtime().settings, self.setting)
        size = value if isinstance(value, int) else len(value)
        if size > limit:
            unit = "" if isinstance(value, int) else (" characters" if isinstance(value, str) else " items")
            raise ValidationError(f"Must be at most {limit:,}{unit}.")
        return value


def article_text(description: str) -> fields.String:
    return fields.String(required=True, validate=[validate.Length(min=1), AtMostSetting("max_text_chars"),
                                                  has_content],
                         metadata={"description": description, "maxLength": DEFAULT.max_text_chars})


def text_field(max_chars: int, description: str, **kwargs: Any) -> fields.String:
    return fields.String(validate=[validate.Length(min=1, max=max_chars), has_content],
                         metadata={"description": description}, **kwargs)


def optional_text(max_chars: int, description: str) -> fields.String:
    return fields.String(load_default=None, allow_none=True,
                         validate=[validate.Length(max=max_chars), no_nul], metadata={"description": description})


class StrictSchema(Schema):
    """Rejects unknown fields."""

    class Meta:
        unknown = RAISE


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list endpoint."""

    items: list[T]
    total: int
    limit: int
    offset: int
