"""Layout of a cluster's timeline: lanes per side, x by date, a separate column for statements without a date."""
from __future__ import annotations

import datetime as dt

from service.domain.entities import DateBasis
from service.usecases.cluster_views import TimelineEntry
from service.web.timeline import LEFT, RIGHT, WIDTH, layout_timeline

MARCH_30, MARCH_31, APRIL_1 = dt.date(2022, 3, 30), dt.date(2022, 3, 31), dt.date(2022, 4, 1)


def _item(statement_id: int, side: int, date: dt.date | None,
          basis: DateBasis = DateBasis.STATED) -> TimelineEntry:
    return TimelineEntry(date, basis, statement_id, side, f"speaker {statement_id}", f"claim {statement_id}")


def test_dates_run_left_to_right_and_sides_get_their_own_lane() -> None:
    drawing = layout_timeline([_item(1, 0, APRIL_1), _item(2, 1, MARCH_30), _item(3, 0, MARCH_31)], ["A", "B"])
    x = {p.item.statement_id: p.x for p in drawing.points}
    y = {p.item.statement_id: p.y for p in drawing.points}
    assert x[2] == LEFT < x[3] < x[1] == WIDTH - RIGHT
    assert x[3] == (x[2] + x[1]) / 2
    assert y[1] == y[3] == drawing.lanes[0].y < y[2] == drawing.lanes[1].y
    assert drawing.undated_x is None
    assert [t.label for t in drawing.ticks] == ["2022-03-30", "2022-03-31", "2022-04-01"]
    assert [t.anchor for t in drawing.ticks] == ["start", "middle", "end"]


def test_undated_statements_sit_apart_and_publication_dates_are_hollow() -> None:
    drawing = layout_timeline([_item(1, 0, MARCH_31, DateBasis.PUBLICATION), _item(2, 1, None, DateBasis.UNKNOWN),
                               _item(3, 1, APRIL_1)], ["A", "B"])
    points = {p.item.statement_id: p for p in drawing.points}
    assert drawing.undated_x is not None and points[2].x == drawing.undated_x
    assert points[3].x < drawing.undated_x and all(t.x < drawing.undated_x for t in drawing.ticks)
    assert points[1].hollow and points[2].hollow and not points[3].hollow


def test_statements_of_one_side_on_one_day_are_stacked_not_drawn_over_each_other() -> None:
    drawing = layout_timeline([_item(i, 0, MARCH_31) for i in range(1, 5)], ["A"])
    assert len({(p.x, p.y) for p in drawing.points}) == 4
    assert {p.x for p in drawing.points} == {(LEFT + WIDTH - RIGHT) / 2}
    assert [(t.label, t.anchor) for t in drawing.ticks] == [("2022-03-31", "middle")]
