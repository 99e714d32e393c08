"""Quotations in a text: where each opens and closes, with straight or curly marks, mixed."""

from __future__ import annotations

from service.domain.entities import Span

_QUOTE_OPEN = '“"'
_QUOTE_CLOSE = '”"'


def find_quotes(text: str) -> list[Span]:
    """Return the spans of quotations in a text, quotation marks included (straight or curly, mixed)."""
    spans: list[Span] = []
    opened: int | None = None
    for index, char in enumerate(text):
        if char == "\n":
            opened = None
            continue
        if char not in _QUOTE_OPEN and char not in _QUOTE_CLOSE:
            continue
        before = text[index - 1] if index else " "
        opening = (
            char == "“"
            or (char == '"' and (before.isspace() or before in "([—–-:") and opened is None)
            or (char == "”" and before == "\n" if index else char == "”")  # a misprinted opening mark
        )
        if opening:
            opened = index
        elif opened is not None:
            spans.append(Span(opened, index + 1))
            opened = None
    return spans
