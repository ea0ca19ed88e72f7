"""mlopt.schedules: values equal to torch.optim.lr_scheduler's, usable as any lr, bad input refused."""

import math
import re
import warnings

import numpy as np
import pytest
from cases import GRADIENT, accepted, assert_close

import mlopt
from mlopt import schedules

STEPS = 120

# Each schedule with a few settings, and how torch makes the same one (given its optimizer).
CASES = [
    (schedules.constant(0.3), lambda L, o: L.ConstantLR(o, factor=1.0, total_iters=0), 0.3),
    (schedules.step(0.3, step_size=7, gamma=0.5), lambda L, o: L.StepLR(o, 7, gamma=0.5), 0.3),
    (schedules.step(0.1, step_size=40), lambda L, o: L.StepLR(o, 40), 0.1),
    (schedules.exponential(0.3, gamma=0.97), lambda L, o: L.ExponentialLR(o, 0.97), 0.3),
    (schedules.cosine(0.1, total_steps=50), lambda L, o: L.CosineAnnealingLR(o, T_max=50), 0.1),
    (
        schedules.cosine(0.1, total_steps=100, lr_min=1e-3),
        lambda L, o: L.CosineAnnealingLR(o, T_max=100, eta_min=1e-3),
        0.1,
    ),
    (
        schedules.cosine_restarts(0.1, period=25),
        lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=25),
        0.1,
    ),
    (
        schedules.cosine_restarts(0.2, period=7, period_mult=2, lr_min=1e-3),
        lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=7, T_mult=2, eta_min=1e-3),
        0.2,
    ),
    (
        schedules.linear_warmup(0.2, warmup_steps=30, start_factor=0.1),
        lambda L, o: L.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=30),
        0.2,
    ),
    (
        schedules.warmup_cosine(0.2, warmup_steps=20, total_steps=STEPS, start_factor=0.05, lr_min=1e-4),
        lambda L, o: L.SequentialLR(
            o,
            [L.LinearLR(o, start_factor=0.05, end_factor=1.0, total_iters=20),
             L.CosineAnnealingLR(o, T_max=STEPS - 20, eta_min=1e-4)],
            milestones=[20],
        ),
        0.2,
    ),
    (
        schedules.one_cycle(0.5, total_steps=STEPS),
        lambda L, o: L.OneCycleLR(o, max_lr=0.5, total_steps=STEPS, cycle_momentum=False),
        0.5,
    ),
    (
        schedules.one_cycle(0.05, total_steps=STEPS, pct_start=0.25, div_factor=10, final_div_factor=100),
        lambda L, o: L.OneCycleLR(o, max_lr=0.05, total_steps=STEPS, pct_start=0.25,
                                  div_factor=10, final_div_factor=100, cycle_momentum=False),
        0.05,
    ),
]
IDS = [repr(schedule) for schedule, _, _ in CASES]


def test_every_schedule_is_tested():
    assert {schedule.__name__ for schedule, _, _ in CASES} == set(schedules.SCHEDULES) | {"cosine_restarts"}


@pytest.mark.parametrize("schedule,make,lr", CASES, ids=IDS)
def test_equals_torch(schedule, make, lr):
    torch = pytest.importorskip("torch")
    param = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([param], lr=lr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SequentialLR's deprecation notices
        scheduler = make(torch.optim.lr_scheduler, optimizer)
        expected = []
        for _ in range(STEPS):
            expected.append(optimizer.param_groups[0]["lr"])
            optimizer.step()
            scheduler.step()
    assert_close(schedule.values(STEPS), expected, repr(schedule))


def test_closed_forms_at_landmarks():
    """A few values worked out by hand, so the formulas are checked without torch too."""
    sgdr = schedules.cosine_restarts(1.0, period=4, period_mult=2, lr_min=0.0)
    assert [sgdr(t) for t in (1, 5, 13)] == [1.0, 1.0, 1.0]  # restarts after 4 and 4 + 8 steps
    assert math.isclose(sgdr(3), 0.5) and math.isclose(sgdr(9), 0.5)  # half-way down each cosine
    assert schedules.step(1.0, step_size=10, gamma=0.5)(11) == 0.5
    assert schedules.exponential(2.0, gamma=0.5)(3) == 0.5
    cos = schedules.cosine(1.0, total_steps=10, lr_min=0.2)
    assert cos(1) == 1.0 and math.isclose(cos(6), 0.6) and math.isclose(cos(11), 0.2)
    warm = schedules.linear_warmup(1.0, warmup_steps=4, start_factor=0.2)
    assert [round(v, 12) for v in warm.values(6)] == [0.2, 0.4, 0.6, 0.8, 1.0, 1.0]
    cycle = schedules.one_cycle(1.0, total_steps=10, pct_start=0.5, div_factor=4, final_div_factor=10)
    assert cycle(1) == 0.25 and cycle(5) == 1.0 and math.isclose(cycle(10), 0.025)
    assert math.isclose(cycle(3), (0.25 + 1.0) / 2)  # half-way up the cosine


@pytest.mark.parametrize("name", GRADIENT)
def test_a_schedule_is_an_lr_for_every_optimizer(name):
    """Run with a schedule == run with the same values given step by step as constants."""
    schedule = schedules.preset("warmup_cosine", 0.05, 30)
    theta = np.linspace(1.0, -2.0, np.prod(accepted(name, (2,)))).reshape(accepted(name, (2,)))
    scheduled, state = theta, mlopt.OPTIMIZERS[name](lr=schedule).init(theta)
    by_hand = theta
    hand_states = [mlopt.OPTIMIZERS[name](lr=lr) for lr in schedule.values(30)]
    hand_state = hand_states[0].init(theta)
    opt = mlopt.OPTIMIZERS[name](lr=schedule)
    for t, step_opt in enumerate(hand_states, start=1):
        scheduled, state = opt.update(2 * scheduled, state, scheduled)
        by_hand, hand_state = step_opt.update(2 * by_hand, hand_state, by_hand)
        np.testing.assert_array_equal(scheduled, by_hand, err_msg=f"{name} at step {t}")


@pytest.mark.parametrize("name", list(schedules.SCHEDULES))
def test_presets(name):
    schedule = schedules.preset(name, 0.1, 300)
    values = np.array(schedule.values(300))
    assert np.isclose(values.max(), 0.1) and values.max() <= 0.1 * (1 + 1e-12)
    assert values.min() >= 0


@pytest.mark.parametrize(
    "call,error,message",
    [
        (lambda: schedules.step(0.1, step_size=0), ValueError, "step_size must be an integer >= 1; got 0"),
        (lambda: schedules.cosine_restarts(0.1, period=10, period_mult=1.5), ValueError,
         "period_mult must be an integer >= 1; got 1.5"),
        (lambda: schedules.step(0.1, step_size=2.5), ValueError, "step_size must be an integer >= 1; got 2.5"),
        (lambda: schedules.exponential(0.1, gamma=-0.5), ValueError, "gamma must be in [0, inf); got -0.5"),
        (lambda: schedules.cosine(-1.0, total_steps=10), ValueError, "lr must be in [0, inf); got -1.0"),
        (lambda: schedules.cosine(0.1, total_steps=10, lr_min="0"), TypeError, "lr_min must be a real number; got '0'"),
        (lambda: schedules.linear_warmup(0.1, 10, start_factor=0.0), ValueError,
         "start_factor must be in (0, 1]; got 0.0"),
        (lambda: schedules.warmup_cosine(0.1, warmup_steps=10, total_steps=10), ValueError,
         "total_steps must be an integer >= 11; got 10"),
        (lambda: schedules.one_cycle(0.1, total_steps=10, pct_start=0.05), ValueError,
         "pct_start * total_steps must leave both phases at least one step; got pct_start=0.05"),
        (lambda: schedules.constant(0.1)(0), ValueError, "constant: the step t must be an integer >= 1; got 0"),
        (lambda: schedules.preset("linear", 0.1, 100), ValueError, "name must be one of"),
    ],
)
def test_bad_settings(call, error, message):
    with pytest.raises(error, match=re.escape(message)):
        call()
