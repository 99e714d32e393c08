"""PolNeAR (`../shared/data/polnear`): the articles of a compartment and their gold attributions, read exactly as
the shared referee reads them (`../shared/eval/score_extraction.py`, `polnear_gold`): the first annotator's file
per article, only attributions that have both a Source and a Content, discontinuous spans merged to their outer
bounds. Shared by `lab.extraction.evaluate_polnear` and `lab.extraction.train_tagger`.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lab.paths import SHARED_DATA

DEFAULT_DATA = SHARED_DATA / "polnear"
COMPARTMENT = "dev"


@dataclass(frozen=True)
class GoldAttribution:
    """One gold attribution: Source and Content spans (outer bounds), and the Cue span when annotated."""

    source: tuple[int, int]
    content: tuple[int, int]
    cue: tuple[int, int] | None
    event: str


def first_span(spec: str) -> tuple[int, int]:
    """Return the outer bounds of a brat span spec (`12 20;25 30` -> (12, 30))."""
    starts_ends = [tuple(map(int, part.split())) for part in spec.split(";")]
    return min(s for s, _ in starts_ends), max(e for _, e in starts_ends)


def read_gold(ann: Path) -> list[GoldAttribution]:
    """Return the attributions with a Source and a Content, parsed exactly as the referee's `polnear_gold`."""
    spans: dict[str, tuple[str, tuple[int, int]]] = {}
    events: list[tuple[str, dict[str, str]]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        if line.startswith("T"):
            tid, label_spec, _ = line.split("\t", 2)
            label, spec = label_spec.split(" ", 1)
            spans[tid] = (label, first_span(spec))
        elif line.startswith("E"):
            parts = line.split("\t")
            events.append((parts[0], dict(arg.split(":") for arg in parts[1].split()[1:])))
    gold = []
    for event, args in events:
        if "Source" in args and "Content" in args and args["Source"] in spans and args["Content"] in spans:
            cue = spans[args["Cue"]][1] if args.get("Cue") in spans else None
            gold.append(GoldAttribution(spans[args["Source"]][1], spans[args["Content"]][1], cue, event))
    return gold


def documents(root: Path, limit: int | None) -> Iterable[tuple[Path, Path]]:
    """Yield (text, first annotation) for the compartment's articles in the referee's order."""
    count = 0
    for txt in sorted((root / COMPARTMENT / "text").glob("*.txt")):
        anns = sorted((root / COMPARTMENT / "attributions").glob(txt.stem + "_*.ann"))
        if not anns:
            continue
        if limit is not None and count >= limit:
            return
        count += 1
        yield txt, anns[0]
