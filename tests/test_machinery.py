"""The machinery around the rules: rules on whole matrices, per-leaf settings, partitions,
donated buffers, and every array layout numpy allows."""

import functools
import os
import re
import tempfile

import numpy as np
import pytest
from cases import GRADIENT, NON_DEFAULT, accepted, acts_on
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_properties import assert_same, leaves, run, tree_map

import mlopt
from mlopt import core

NAMES = GRADIENT  # the update rules (Newton and L-BFGS: tests/test_closure.py)


# -- a rule that is not elementwise ---------------------------------------------------------

def normalised(theta, g, m, *, t, lr, beta):
    """A toy matrix rule: momentum, then each matrix's step scaled to Frobenius norm lr."""
    m = beta * m + g
    norm = np.sqrt(np.sum(m**2, axis=(-2, -1), keepdims=True))
    return theta - lr * m / np.maximum(norm, 1e-300), m


def by_hand(theta, grads, lr, beta):
    """The same toy rule for one matrix, written out, for comparison."""
    m = np.zeros_like(theta)
    for g in grads:
        m = beta * m + g
        theta = theta - lr * m / np.linalg.norm(m)
    return theta, m


def toy(lr=0.1, beta=0.5, acts_on="matrix"):
    return mlopt.Optimizer("normalised", normalised, acts_on=acts_on, lr=lr, beta=beta)


def matrix_gradients(theta, steps):
    return [np.cos(theta * (t + 1)) + t for t in range(steps)]


def test_a_matrix_rule_is_never_cut_into_blocks(monkeypatch):
    monkeypatch.setattr(core, "BLOCK", 40)  # blocks of 4 rows, were the rule elementwise
    theta = np.random.default_rng(0).normal(size=(97, 10))
    grads = matrix_gradients(theta, 3)
    expected, expected_m = by_hand(theta, grads, 0.1, 0.5)
    for kind, should_match in (("matrix", True), ("element", False)):
        opt = toy(acts_on=kind)
        params, state = theta, opt.init(theta)
        for g in grads:
            params, state = opt.update(g, state, params)
        # The elementwise declaration cuts the matrix, so this check can fail.
        assert np.allclose(params, expected, rtol=1e-14, atol=0) is should_match
    assert np.allclose(state.slots["m"], expected_m, rtol=1e-14, atol=0)


def test_a_grid_of_a_matrix_rule_equals_separate_runs():
    """Leading axes are a batch: three learning rates over four 5 x 3 matrices each."""
    lrs = np.array([0.01, 0.1, 1.0])[:, None, None, None]
    theta = np.random.default_rng(1).normal(size=(3, 4, 5, 3))
    grads = matrix_gradients(theta, 4)
    opt = toy(lr=lrs)
    params, state = theta, opt.init(theta)
    for g in grads:
        params, state = opt.update(g, state, params)
    for i in range(3):
        for j in range(4):
            alone = toy(lr=float(lrs[i, 0, 0, 0]))
            p, s = theta[i, j], alone.init(theta[i, j])
            for g in grads:
                p, s = alone.update(g[i, j], s, p)
            assert np.array_equal(params[i, j], p)
            assert np.array_equal(state.slots["m"][i, j], s.slots["m"])


def test_a_matrix_rule_names_a_leaf_that_is_not_a_matrix():
    with pytest.raises(ValueError, match=re.escape(
            "mlopt.normalised acts on matrices (the last two axes of each leaf), but params['b'] "
            "has shape (3,)")):
        toy().init({"w": np.ones((2, 2)), "b": np.ones(3)})


def test_a_rule_may_keep_buffers_of_another_shape():
    """One number per row (as Adafactor keeps): the state has the declared shapes,
    is checked against them, and saves and loads."""
    def row_norms(theta, g, r, *, t, lr):
        r = r + np.sum(g**2, axis=-1, keepdims=True)
        return theta - lr * g / np.sqrt(r), r

    opt = mlopt.Optimizer("rows", row_norms, acts_on="matrix",
                          slot_shapes={"r": lambda shape: (*shape[:-1], 1)}, lr=0.1)
    params = {"w": np.ones((4, 3))}
    params, state = opt.update({"w": np.full((4, 3), 2.0)}, opt.init(params), params)
    assert state.slots["r"]["w"].shape == (4, 1) and np.all(state.slots["r"]["w"] == 12.0)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "rows.npz")
        mlopt.save_state(path, state)
        assert_same(mlopt.load_state(path).slots, state.slots)
    wrong = state._replace(slots={"r": {"w": np.ones((4, 3))}})
    with pytest.raises(ValueError, match=re.escape(
            "state.slots['r']['w'] has shape (4, 3) but params['w'] has shape (4, 1)")):
        opt.update({"w": np.ones((4, 3))}, wrong, params)


# -- per-leaf settings ----------------------------------------------------------------------

PARAMS = {"layers": [{"W": np.linspace(-1, 1, 6).reshape(2, 3), "b": np.array([0.5, -0.5])}],
          "norm": np.array(2.0)}
# The same tree for Muon, which takes matrices only: the vector and the scalar as 1 x n matrices.
MATRIX_PARAMS = {"layers": [{"W": PARAMS["layers"][0]["W"], "b": np.array([[0.5, -0.5]])}],
                 "norm": np.array([[2.0]])}


def gradients_of(params):
    return tree_map(lambda x: 2.0 * x + 0.1, params)


@pytest.mark.parametrize("name", NAMES)
def test_a_per_leaf_setting_equals_each_leaf_run_with_its_own(name):
    """weight_decay (or lr) by a function of each leaf and by a tree: each leaf
    moves as it would alone with its own value."""
    key = "weight_decay" if "weight_decay" in NON_DEFAULT[name] else "lr"
    decayed, plain = NON_DEFAULT[name][key], NON_DEFAULT[name][key] / 4
    start = MATRIX_PARAMS if acts_on(name) == "matrix" else PARAMS
    by_function = mlopt.per_leaf(lambda path, leaf: decayed if path[-1] == "W" else plain)
    by_tree = mlopt.per_leaf({"layers": [{"W": decayed, "b": plain}], "norm": plain})
    for setting in (by_function, by_tree):
        opt = mlopt.OPTIMIZERS[name](**{**NON_DEFAULT[name], key: setting})
        params, state = start, opt.init(start)
        for _ in range(3):
            params, state = opt.update(gradients_of(params), state, params)
        for path, value in ((("layers", 0, "W"), decayed), (("layers", 0, "b"), plain), (("norm",), plain)):
            alone = mlopt.OPTIMIZERS[name](**{**NON_DEFAULT[name], key: value})
            leaf = functools.reduce(lambda node, k: node[k], path, start)
            p, s = leaf, alone.init(leaf)
            for _ in range(3):
                p, s = alone.update(2.0 * p + 0.1, s, p)
            assert np.array_equal(functools.reduce(lambda node, k: node[k], path, params), p), path


def test_a_per_leaf_setting_is_checked_with_the_leafs_path():
    bad = mlopt.adamw(weight_decay=mlopt.per_leaf(lambda path, leaf: -1.0 if path[-1] == "b" else 0.1))
    with pytest.raises(ValueError, match=re.escape(
            "weight_decay for params['layers'][0]['b'] must be in [0, inf); got -1.0")):
        bad.init(PARAMS)
    with pytest.raises(ValueError, match=re.escape("weight_decay (per leaf) has keys ['layers']")):
        mlopt.adamw(weight_decay=mlopt.per_leaf({"layers": 0.1})).init(PARAMS)
    with pytest.raises(ValueError, match=re.escape("lr: the per-leaf function raised KeyError for params['norm']")):
        mlopt.adam(lr=mlopt.per_leaf(lambda path, leaf: {"W": 0.1, "b": 0.2}[path[-1]])).init(PARAMS)


# -- partitions -----------------------------------------------------------------------------

def matrices_and_the_rest():
    return mlopt.Partition(
        lambda path, leaf: "matrices" if leaf.ndim == 2 else "rest",
        {"matrices": toy(lr=0.05), "rest": mlopt.adamw(**NON_DEFAULT["adamw"])},
    )


def test_each_part_moves_as_its_optimizer_alone():
    opt = matrices_and_the_rest()
    params, state = PARAMS, opt.init(PARAMS)
    for _ in range(4):
        params, state = opt.update(gradients_of(params), state, params)
    assert state.step == 4 and set(state.slots) == {"matrices", "rest"}
    matrix_alone, rest_alone = toy(lr=0.05), mlopt.adamw(**NON_DEFAULT["adamw"])
    W, rest = PARAMS["layers"][0]["W"], [PARAMS["layers"][0]["b"], PARAMS["norm"]]
    W_state, rest_state = matrix_alone.init(W), rest_alone.init(rest)
    for _ in range(4):
        W, W_state = matrix_alone.update(2.0 * W + 0.1, W_state, W)
        rest, rest_state = rest_alone.update(gradients_of(rest), rest_state, rest)
    assert np.array_equal(params["layers"][0]["W"], W)
    assert np.array_equal(params["layers"][0]["b"], rest[0]) and np.array_equal(params["norm"], rest[1])
    assert_same(state.slots["matrices"], {"m": [W_state.slots["m"]]})
    assert_same(state.slots["rest"], rest_state.slots)


def test_a_partition_saves_and_resumes_bit_for_bit(tmp_path):
    opt = mlopt.Partition({"layers": [{"W": "matrices", "b": "rest"}], "norm": "rest"},
                          {"matrices": toy(lr=0.05), "rest": mlopt.adamw(**NON_DEFAULT["adamw"])})
    straight, straight_state = run_tree(opt, PARAMS, 5)
    middle, middle_state = run_tree(opt, PARAMS, 2)
    mlopt.save_state(tmp_path / "p.npz", middle_state)
    loaded = mlopt.load_state(tmp_path / "p.npz")
    assert loaded.optimizer == opt.name == "partition(matrices: normalised, rest: adamw)"
    resumed, resumed_state = run_tree(opt, middle, 3, loaded)
    assert_same(resumed, straight)
    assert_same(resumed_state.slots, straight_state.slots)


def run_tree(opt, params, steps, state=None):
    state = opt.init(params) if state is None else state
    for _ in range(steps):
        params, state = opt.update(gradients_of(params), state, params)
    return params, state


def test_a_partition_names_what_is_wrong():
    opt = matrices_and_the_rest()
    with pytest.raises(ValueError, match=re.escape(
            "params['x'] is labelled 'other', which is none of the optimizers' labels ['a']")):
        mlopt.Partition(lambda path, leaf: "other", {"a": mlopt.gd()}).init({"x": np.ones(2)})
    state = opt.init(PARAMS)
    with pytest.raises(ValueError, match=re.escape("state was made by mlopt.adam, not by mlopt.partition(")):
        opt.update(PARAMS, mlopt.adam().init(PARAMS), PARAMS)
    with pytest.raises(ValueError, match=re.escape("state.slots has ['matrices'] but mlopt.partition(")):
        opt.update(PARAMS, state._replace(slots={"matrices": state.slots["matrices"]}), PARAMS)
    with pytest.raises(ValueError, match=re.escape("grads['norm'] has shape (2,) but params['norm'] has shape ()")):
        opt.update({**PARAMS, "norm": np.ones(2)}, state, PARAMS)


# -- donated buffers ------------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(5,), (3, 2 * core.BLOCK + 7), (3 * core.BLOCK + 5,), (0, 4)])
@pytest.mark.parametrize("name", NAMES)
def test_a_donated_update_is_bit_for_bit_the_pure_one(name, shape):
    opt = mlopt.OPTIMIZERS[name](**NON_DEFAULT[name])
    x = np.random.default_rng(2).normal(size=accepted(name, shape))
    pure, pure_state = {"x": x, "y": [np.ones(accepted(name, (3,)))]}, None
    pure_state = opt.init(pure)
    donated = tree_map(np.copy, pure)
    donated_state = opt.init(donated)
    for t in range(1, 4):
        grads = tree_map(lambda a, t=t: np.sin(a * t) + 2 * a, pure)
        pure, pure_state = opt.update(grads, pure_state, pure)
        arrays = leaves(donated) + leaves(donated_state.slots)
        donated, donated_state = opt.update(tree_map(np.copy, grads), donated_state, donated, donate=True)
        assert all(a is b for a, b in zip(arrays, leaves(donated) + leaves(donated_state.slots), strict=True))
        assert_same(donated, pure)
        assert_same(donated_state.slots, pure_state.slots)


def test_donating_what_cannot_be_written_is_an_error():
    opt = mlopt.adam()
    state = opt.init({"w": np.ones(3)})
    with pytest.raises(ValueError, match=re.escape("params['w'] is a float, not a numpy array")):
        opt.update({"w": 1.0}, opt.init({"w": 1.0}), {"w": 1.0}, donate=True)
    frozen = np.ones(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match=re.escape("params['w'] is read-only")):
        opt.update({"w": np.ones(3)}, state, {"w": frozen}, donate=True)
    w = np.ones(3)
    with pytest.raises(ValueError, match="overlap"):
        opt.update({"w": w}, state, {"w": w}, donate=True)
    assert np.array_equal(w, np.ones(3)) and np.array_equal(frozen, np.ones(3))


# -- every layout numpy allows --------------------------------------------------------------

@st.composite
def awkward_leaves(draw):
    """0-d, empty, long-first-axis, non-contiguous, read-only, float16/32/64 leaves."""
    dtype = draw(st.sampled_from([np.float16, np.float32, np.float64]))
    shape = draw(st.one_of(
        hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4),
        st.sampled_from([(0,), (0, 3), (3, 0), (2 * core.BLOCK + 1,), (4 * core.BLOCK, 1), (50_000, 0)]),
    ))
    array = draw(hnp.arrays(dtype, shape, elements=st.floats(-4, 4, width=16)))
    layout = draw(st.sampled_from(["plain", "transposed", "strided", "read-only"]))
    if layout == "transposed":
        array = array.T
    elif layout == "strided":
        array = np.repeat(array[..., None], 2, axis=-1)[..., 0]
    elif layout == "read-only":
        array.flags.writeable = False
    return array


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(NAMES), awkward_leaves())
def test_every_layout_works_and_matches_a_plain_copy(name, leaf):
    """Any float array runs, keeps its shape and dtype, changes nothing it was given,
    and gives the same numbers as a fresh C-contiguous copy of itself (or, for Muon, which
    takes matrices, a vector or a scalar gets an error that names it)."""
    opt = mlopt.OPTIMIZERS[name](**NON_DEFAULT[name])
    before = leaf.copy()
    if acts_on(name) == "matrix" and leaf.ndim < 2:  # Muon: a clear error, naming the leaf and its shape
        with pytest.raises(ValueError, match=re.escape(f"but params['p'] has shape {leaf.shape}")):
            opt.init({"p": leaf})
        return
    with np.errstate(all="ignore"):  # float16 may overflow: that is arithmetic, not a crash
        got, got_state = run(opt, {"p": leaf}, 2)
        copy, copy_state = run(opt, {"p": np.array(leaf, order="C")}, 2)
    assert got["p"].shape == leaf.shape and got["p"].dtype == leaf.dtype
    assert np.array_equal(leaf, before, equal_nan=True)
    assert_same(got, copy)
    assert_same(got_state.slots, copy_state.slots)


def test_a_buffer_that_starts_at_the_params_is_a_copy_of_them():
    """Schedule-Free's z and x start at theta_0: equal to the params, in memory of their own."""
    params = {"w": np.arange(6.0).reshape(2, 3), "b": np.array([0.5, -1.0])}
    state = mlopt.sgd_schedule_free().init(params)
    for slot in ("z", "x"):
        for key in params:
            assert np.array_equal(state.slots[slot][key], params[key])
            assert not np.may_share_memory(state.slots[slot][key], params[key])
    assert not np.any(state.slots["weight_sum"]["w"])


def test_the_point_to_evaluate_is_the_average_where_the_optimizer_keeps_one():
    """Schedule-Free's x and ASGD's ax are what `evaluated` returns, per part in a Partition;
    the others evaluate the params themselves."""
    rng = np.random.default_rng(3)
    params = {"w": rng.normal(size=(3, 2)), "b": rng.normal(size=2)}
    opt = mlopt.Partition(lambda path, leaf: "w" if path == ("w",) else "b",
                          {"w": mlopt.sgd_schedule_free(lr=0.1), "b": mlopt.adam(lr=0.1)})
    state = opt.init(params)
    for t in range(1, 4):
        params, state = opt.update({k: np.sin(v + t) for k, v in params.items()}, state, params)
    point = opt.evaluated(params, state)
    assert np.array_equal(point["w"], state.slots["w"]["x"][0]) and not np.array_equal(point["w"], params["w"])
    assert point["b"] is params["b"]
    asgd = mlopt.asgd(lr=0.1, t0=0)
    theta = np.ones(2)
    asgd_state = asgd.init(theta)
    for _ in range(4):
        theta, asgd_state = asgd.update(2 * theta, asgd_state, theta)
    assert asgd.evaluated(theta, asgd_state) is asgd_state.slots["ax"]
    with pytest.raises(ValueError, match="state was made by mlopt.adam"):
        asgd.evaluated(theta, mlopt.adam().init(theta))


@pytest.mark.parametrize("name", NAMES)
def test_maximize_is_descent_on_the_gradient_turned_round(name):
    """maximize=True with gradient g takes, bit for bit, the steps of maximize=False with -g
    (as torch: the sign flips before anything else), state included."""
    hp = {**NON_DEFAULT[name], "maximize": False}
    params = {"W": np.linspace(-1, 1, 12).reshape(3, 4), "V": np.linspace(0.5, 2, 6).reshape(2, 3)}
    up, up_state = params, mlopt.OPTIMIZERS[name](**{**hp, "maximize": True}).init(params)
    down, down_state = params, mlopt.OPTIMIZERS[name](**hp).init(params)
    ascent, descent = mlopt.OPTIMIZERS[name](**{**hp, "maximize": True}), mlopt.OPTIMIZERS[name](**hp)
    for t in range(1, 5):
        g = {key: np.cos(value * t) + value for key, value in up.items()}
        up, up_state = ascent.update(g, up_state, up)
        down, down_state = descent.update({key: -value for key, value in g.items()}, down_state, down)
        assert_same(up, down)
        assert_same(up_state.slots, down_state.slots)
    assert "maximize=True" in repr(ascent) and "maximize" not in repr(descent)
    with pytest.raises(ValueError, match="maximize must be True or False; got 1"):
        mlopt.OPTIMIZERS[name](maximize=1)
