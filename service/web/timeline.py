"""Layout of a cluster's timeline as an SVG drawing: one lane per side, dates along the x axis.

Pure geometry over the cluster view's timeline entries, no Flask: the template only draws what
`layout_timeline` computes. Statements whose date is the publication date (not stated in the text) are drawn
hollow; statements with no date at all sit in a separate "no date" column at the right end, so that they are
never placed at a date they do not have.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.domain.entities import DateBasis
from service.usecases.cluster_views import TimelineEntry

WIDTH = 720
LANE_HEIGHT = 56
TOP = 34  # room for the axis labels
LEFT, RIGHT = 24, 24
UNDATED_WIDTH = 64
UNDATED_GAP = 40  # keeps the last date's label clear of the "no date" column
STACK_STEP = 9  # vertical offset between statements of one side on the same day


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    item: TimelineEntry

    @property
    def hollow(self) -> bool:
        return self.item.date_basis is not DateBasis.STATED


@dataclass(frozen=True)
class Tick:
    x: float
    label: str
    anchor: str = "middle"  # SVG text-anchor: the outermost labels are aligned inwards so they are not cut


@dataclass(frozen=True)
class Lane:
    y: float
    label: str


@dataclass(frozen=True)
class TimelineDrawing:
    width: int
    height: int
    lanes: list[Lane]
    ticks: list[Tick]
    points: list[Point]
    undated_x: float | None  # centre of the "no date" column, when some statement has no date


def layout_timeline(items: Sequence[TimelineEntry], side_labels: Sequence[str]) -> TimelineDrawing:
    """Place every item: x from its date (or the no-date column), y from its side's lane."""
    lanes = [Lane(TOP + LANE_HEIGHT * (index + 0.5), label) for index, label in enumerate(side_labels)]
    dated = [item.date for item in items if item.date is not None]
    has_undated = len(dated) < len(items)
    axis_end = WIDTH - RIGHT - (UNDATED_WIDTH + UNDATED_GAP if has_undated else 0)
    first, last = (min(dated), max(dated)) if dated else (None, None)

    def x_of(day: dt.date) -> float:
        if first is None or last is None or first == last:
            return (LEFT + axis_end) / 2
        return LEFT + (axis_end - LEFT) * (day - first).days / (last - first).days

    undated_x = WIDTH - RIGHT - UNDATED_WIDTH / 2 if has_undated else None
    stacked: dict[tuple[int, float], int] = defaultdict(int)
    points = []
    for item in sorted(items, key=lambda i: (i.date or dt.date.max, i.statement_id)):
        x = x_of(item.date) if item.date is not None else float(undated_x or 0)
        lane_y = lanes[item.side].y if item.side < len(lanes) else TOP
        offset = stacked[(item.side, x)]
        stacked[(item.side, x)] += 1
        # Alternate above and below the lane line: 0, +1, -1, +2, -2 ... steps.
        step = (offset + 1) // 2 * (1 if offset % 2 else -1)
        points.append(Point(round(x, 1), round(lane_y + step * STACK_STEP, 1), item))
    ticks = _ticks(first, last, x_of) if first and last else []
    return TimelineDrawing(WIDTH, int(TOP + LANE_HEIGHT * max(1, len(lanes)) + 8), lanes, ticks, points, undated_x)


def _ticks(first: dt.date, last: dt.date, x_of: Callable[[dt.date], float]) -> list[Tick]:
    """Up to five evenly spaced dates, the first and last always among them."""
    span = (last - first).days
    count = min(5, span + 1)
    days = sorted({first + dt.timedelta(days=round(span * i / max(1, count - 1))) for i in range(count)})
    ticks = [Tick(round(x_of(day), 1), day.isoformat()) for day in days]
    if len(ticks) > 1:
        ticks[0] = Tick(ticks[0].x, ticks[0].label, "start")
        ticks[-1] = Tick(ticks[-1].x, ticks[-1].label, "end")
    return ticks
