"""Properties every optimizer must have, over generated shapes, trees and settings."""

import inspect
import os
import tempfile

import numpy as np
import pytest
from cases import GRADIENT, accepted, grid_axis, grid_shape, numeric
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import mlopt
from mlopt.hyper import FACTS

NAMES = GRADIENT  # the update rules (Newton and L-BFGS: tests/test_closure.py)
# Where each hyperparameter is drawn from: mlopt.hyper.FACTS, the one table of them.
RANGES = {name: (st.integers if fact.whole else st.floats)(*fact.sample) for name, fact in FACTS.items() if fact.sample}
finite = st.floats(-10, 10, allow_nan=False, width=64)
shapes = hnp.array_shapes(min_dims=0, max_dims=3, max_side=4)


def gradient(x, t):
    """Elementwise in x, so a row of a grid gets the gradient it would get alone."""
    return 2.0 * x + np.sin(3.0 * x + t)


def hyperparams_of(name):
    return numeric(name)  # the options (Muon's nesterov ...) keep their defaults here


@st.composite
def optimizer_settings(draw):
    name = draw(st.sampled_from(NAMES))
    hp = {key: draw(RANGES[key]) for key in hyperparams_of(name)}
    return name, hp


def run(opt, params, steps, state=None):
    state = opt.init(params) if state is None else state
    for _ in range(steps):
        t = state.step + 1
        grads = tree_map(lambda x, t=t: gradient(x, t), params)
        params, state = opt.update(grads, state, params)
    return params, state


def tree_map(fn, tree):
    if isinstance(tree, dict):
        return {key: tree_map(fn, value) for key, value in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(tree_map(fn, value) for value in tree)
    return fn(tree)


def leaves(tree):
    if isinstance(tree, dict):
        return [leaf for value in tree.values() for leaf in leaves(value)]
    if isinstance(tree, (list, tuple)):
        return [leaf for value in tree for leaf in leaves(value)]
    return [np.asarray(tree)]


def assert_same(a, b):
    """Bit for bit, NaNs included."""
    for x, y in zip(leaves(a), leaves(b), strict=True):
        assert x.shape == y.shape and x.dtype == y.dtype
        assert np.array_equal(x, y, equal_nan=True)


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")  # eps=0 with g=0: 0/0
@settings(max_examples=60, deadline=None)
@given(optimizer_settings(), shapes, st.data())
def test_update_mutates_nothing_it_was_given(setting, shape, data):
    name, hp = setting
    lr_array = np.array(hp["lr"])
    opt = mlopt.OPTIMIZERS[name](**{**hp, "lr": lr_array})
    params = {"w": data.draw(hnp.arrays(np.float64, accepted(name, shape), elements=finite)),
              "b": [np.ones(accepted(name, (2,)))]}
    params, state = run(opt, params, 2)  # a state with non-zero buffers
    grads = tree_map(lambda x: data.draw(hnp.arrays(np.float64, x.shape, elements=finite)), params)
    copies = [tree_map(np.copy, x) for x in (params, grads, state.slots)]
    new_params, new_state = opt.update(grads, state, params)
    for original, copy in zip((params, grads, state.slots), copies, strict=True):
        assert_same(original, copy)
    assert state.step == 2 and new_state.step == 3
    for new in leaves(new_params) + leaves(new_state.slots):
        for old in leaves(params) + leaves(grads) + leaves(state.slots):
            assert not np.shares_memory(new, old)
    # The optimizer copied the caller's hyperparameter array: changing it later changes nothing.
    lr_array[...] = 123.0
    again, _ = opt.update(grads, state, params)
    assert_same(again, new_params)


@settings(max_examples=40, deadline=None)
@given(optimizer_settings(), st.integers(1, 5), st.integers(1, 3), st.data())
def test_a_grid_run_equals_each_setting_run_alone(setting, rows, columns, data):
    """Hyperparameter arrays of shape (rows, 1) == one run per row with plain floats (for a rule
    on whole matrices: parameters (rows, 3, 4), one matrix per row, and arrays (rows, 1, 1))."""
    name, hp = setting
    grid = {
        key: np.array([data.draw(RANGES[key]) for _ in range(rows)])
        for key in data.draw(st.lists(st.sampled_from(hyperparams_of(name)), min_size=1, unique=True))
    }
    params = data.draw(hnp.arrays(np.float64, grid_shape(name, rows, (columns,)), elements=finite))
    steps = data.draw(st.integers(1, 6))
    grid_opt = mlopt.OPTIMIZERS[name](**{**hp, **{k: grid_axis(v, name) for k, v in grid.items()}})
    together, together_state = run(grid_opt, params, steps)
    for i in range(rows):
        alone_opt = mlopt.OPTIMIZERS[name](**{**hp, **{k: float(v[i]) for k, v in grid.items()}})
        alone, alone_state = run(alone_opt, params[i], steps)
        assert_same(together[i], alone)
        for slot in alone_state.slots:
            if alone_state.slots[slot].size == 0:  # a buffer the leaf does not use (Adafactor's variance
                assert together_state.slots[slot].size == 0  # for a matrix): empty, with no grid axis
                continue
            assert_same(together_state.slots[slot][i], alone_state.slots[slot])


@settings(max_examples=40, deadline=None)
@given(optimizer_settings(), st.lists(shapes, min_size=3, max_size=3), st.data())
def test_a_tree_equals_its_leaves_run_separately(setting, leaf_shapes, data):
    name, hp = setting
    opt = mlopt.OPTIMIZERS[name](**hp)
    a, b, c = (data.draw(hnp.arrays(np.float64, accepted(name, s), elements=finite)) for s in leaf_shapes)
    steps = data.draw(st.integers(1, 5))
    tree, tree_state = run(opt, {"a": a, "nested": [b, (c,)]}, steps)
    for leaf, got in ((a, tree["a"]), (b, tree["nested"][0]), (c, tree["nested"][1][0])):
        alone, _ = run(opt, leaf, steps)
        assert_same(got, alone)
    assert tree_state.step == steps


@settings(max_examples=40, deadline=None)
@given(optimizer_settings(), shapes, st.integers(0, 4), st.integers(1, 4), st.data())
def test_save_load_resume_equals_an_uninterrupted_run(setting, shape, before, after, data):
    name, hp = setting
    opt = mlopt.OPTIMIZERS[name](**hp)
    params = {"w": data.draw(hnp.arrays(np.float64, accepted(name, shape), elements=finite)),
              "b": (np.ones(accepted(name, (3,))),)}
    straight, straight_state = run(opt, params, before + after)
    middle, middle_state = run(opt, params, before)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "ckpt.npz")
        mlopt.save_state(path, middle_state)
        loaded = mlopt.load_state(path)
    assert loaded.step == before and loaded.optimizer == name
    assert loaded.params_spec == middle_state.params_spec
    assert_same(loaded.slots, middle_state.slots)
    resumed, resumed_state = run(opt, middle, after, state=loaded)
    assert_same(resumed, straight)
    assert_same(resumed_state.slots, straight_state.slots)
    assert resumed_state.step == straight_state.step


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(NAMES), st.sampled_from([np.float32, np.float16]))
def test_the_params_dtype_is_kept(name, dtype):
    opt = mlopt.OPTIMIZERS[name](lr=0.01)
    params = np.linspace(-1, 1, np.prod(accepted(name, (5,)))).reshape(accepted(name, (5,))).astype(dtype)
    new, state = run(opt, params, 3)
    assert new.dtype == dtype
    assert all(leaf.dtype == dtype for leaf in leaves(state.slots))


@pytest.mark.parametrize("name", list(mlopt.OPTIMIZERS))
def test_help_shows_the_algorithm_box_and_the_defaults(name):
    """help(mlopt.<name>) shows the factory's summary, its defaults, then the module's
    docstring (the algorithm box, the reference, the conventions), written once there."""
    import sys

    factory = mlopt.OPTIMIZERS[name]
    doc = inspect.getdoc(factory)
    module = inspect.cleandoc(sys.modules[factory.__module__].__doc__)
    assert "for t = 1, 2" in module and doc.endswith(module)
    head = doc[: -len(module)]
    assert ">>> " in head  # the factory's own example comes first
    for key, parameter in inspect.signature(factory).parameters.items():
        assert f"{key}={parameter.default!r}" in head
