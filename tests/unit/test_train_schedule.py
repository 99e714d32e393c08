"""The relation trainer's learning-rate schedule: warm-up, linear decay, and fitting the decay to a time budget."""
from __future__ import annotations

import itertools

import pytest

from lab.relation.train import FIT_RESERVE, LinearSchedule


def test_warms_up_then_decays_to_zero_at_the_total() -> None:
    schedule = LinearSchedule(total=1000, warmup_share=0.1)
    factors = [schedule(step) for step in range(1001)]
    assert factors[0] == pytest.approx(1 / 101)
    assert max(factors) == pytest.approx(1.0)
    assert factors.index(max(factors)) == 100
    assert factors[550] == pytest.approx(0.5)
    assert factors[1000] == 0.0
    assert all(a <= b for a, b in itertools.pairwise(factors[:101]))
    assert all(a >= b for a, b in itertools.pairwise(factors[100:]))


def test_fit_ends_the_decay_when_the_budget_runs_out() -> None:
    schedule = LinearSchedule(total=100_000, warmup_share=0.05)
    # 200 steps in 20 s: 10 steps/s; a 400 s budget less the reserve leaves 368 - 20 = 348 s, 3,480 more steps
    total = schedule.fit(step=200, elapsed=20.0, budget=400.0)
    assert total == 200 + int((400 * (1 - FIT_RESERVE) - 20) * 10)
    assert schedule(total) == 0.0
    assert schedule(total // 2) > 0.0


def test_fit_never_lengthens_the_plan_nor_ends_before_the_next_step() -> None:
    schedule = LinearSchedule(total=500, warmup_share=0.0)
    assert schedule.fit(step=200, elapsed=1.0, budget=10_000.0) == 500
    assert schedule.fit(step=300, elapsed=9_999.0, budget=100.0) == 301
