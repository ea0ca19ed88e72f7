"""Large arrays are updated a block of rows at a time (mlopt.core._apply) to keep
temporaries in cache. That must change nothing: same bits as one whole-array pass."""

import functools
import importlib

import numpy as np
import pytest
from cases import ELEMENTWISE, NON_DEFAULT

import mlopt
from mlopt import core


def counting_optimizer(name, calls, **hp):
    """mlopt's own rule for ``name``, counting how often the core calls it."""
    rule = importlib.import_module(f"mlopt.optimizers.{name}").update

    @functools.wraps(rule)  # keeps the signature the core reads
    def counted(*args, **kwargs):
        calls.append(np.shape(args[0]))
        return rule(*args, **kwargs)

    return mlopt.Optimizer(name, counted, **hp)


def run(opt, params, steps=3):
    state = opt.init(params)
    for t in range(1, steps + 1):
        params, state = opt.update(2.0 * params + np.sin(params + t), state, params)
    return params, state


@pytest.mark.parametrize(
    "shape,grid,blocks",
    [
        ((1000,), None, 25),  # 1-D: blocks of BLOCK = 40 elements
        ((97, 13), None, 33),  # 2-D: blocks of 3 whole rows, a ragged last block
        ((97, 13), "rows", 33),  # a hyperparameter per row, cut along with the rows
        ((97, 13), "columns", 33),  # a hyperparameter per column, the same in every block
        ((3, 500), None, 1),  # rows longer than a block: no blocking
    ],
)
# The elementwise rules: a rule on whole matrices is never cut (tests/test_machinery.py).
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_blocked_equals_whole(monkeypatch, name, shape, grid, blocks):
    hp = dict(NON_DEFAULT[name])
    if grid == "rows":
        hp["lr"] = hp["lr"] * np.linspace(0.5, 2, shape[0])[:, None]
    elif grid == "columns":
        hp["lr"] = hp["lr"] * np.linspace(0.5, 2, shape[1])
    params = np.random.default_rng(0).normal(size=shape)

    monkeypatch.setattr(core, "BLOCK", 10**9)
    whole_calls = []
    whole, whole_state = run(counting_optimizer(name, whole_calls, **hp), params)
    monkeypatch.setattr(core, "BLOCK", 40)
    blocked_calls = []
    blocked, blocked_state = run(counting_optimizer(name, blocked_calls, **hp), params)

    assert len(whole_calls) == 3 and len(blocked_calls) == 3 * blocks
    assert np.array_equal(blocked, whole)
    for slot in whole_state.slots:
        assert np.array_equal(blocked_state.slots[slot], whole_state.slots[slot])
