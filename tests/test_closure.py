"""Newton and L-BFGS, the optimizers that take a closure (mlopt.closure): the protocol, its checks,
and the properties every optimizer has (pure, trees, dtypes, ascent, schedules, checkpoints)."""

import inspect

import numpy as np
import pytest
from cases import CLOSURE, NON_DEFAULT, assert_close

import mlopt
from mlopt import models

A = np.array([[3.0, 1.0], [1.0, 2.0]])


def bowl(params):
    """J = sum over leaves of x.A x / 2 + sum x^4 / 4 on pairs: convex, not quadratic; leaves of 2 numbers."""
    leaves, _, treedef = mlopt.tree.flatten(params) if not isinstance(params, np.ndarray) else ([params], 0, 0)
    loss = sum(0.5 * x @ A @ x + 0.25 * np.sum(x**4) for x in leaves)
    grads = [A @ x + x**3 for x in leaves]
    hessians = [A + np.diag(3 * x**2) for x in leaves]
    n = 2 * len(leaves)
    hessian = np.zeros((n, n))
    for i, h in enumerate(hessians):
        hessian[2 * i:2 * i + 2, 2 * i:2 * i + 2] = h
    grads = grads[0] if isinstance(params, np.ndarray) else mlopt.tree.unflatten(treedef, grads)
    return loss, grads, hessian


def closure_for(opt, function=bowl):
    return function if opt.hessian else (lambda params: function(params)[:2])


def run(opt, params, steps, function=bowl):
    state = opt.init(params)
    for _ in range(steps):
        params, state = opt.step(closure_for(opt, function), state, params)
    return params, state


@pytest.mark.parametrize("name", CLOSURE)
def test_a_step_mutates_nothing_it_was_given(name):
    params = {"a": np.array([1.0, -0.5]), "b": np.array([0.3, 0.8])}
    copies = {key: value.copy() for key, value in params.items()}
    opt = mlopt.OPTIMIZERS[name](**NON_DEFAULT[name])
    state = opt.init(params)
    saved = {key: np.array(value, copy=True) for key, value in state.slots.items()}
    seen = []

    def closure(p):
        seen.append(p)
        for leaf in p.values():
            leaf += 100.0  # a closure that scribbles on what it is given changes nothing of ours
        return closure_for(opt)({key: value - 100.0 for key, value in p.items()})

    new, new_state = opt.step(closure, state, params)
    assert all(np.array_equal(params[key], copies[key]) for key in params)
    assert all(np.array_equal(state.slots[key], saved[key], equal_nan=True) for key in saved)
    assert new_state.step == 1 and seen and all(new[key] is not params[key] for key in params)


@pytest.mark.parametrize("name", CLOSURE)
def test_a_tree_is_one_vector(name):
    """The leaves are joined in the tree's order: a dict of two leaves runs as the vector of four."""
    tree = {"a": np.array([1.0, -0.5]), "b": np.array([[0.3, 0.8]])}
    vector = np.array([1.0, -0.5, 0.3, 0.8])

    def on_vector(x):
        loss, (ga, gb), hessian = bowl([x[:2], x[2:]])
        return loss, np.concatenate([ga, gb]), hessian

    def on_tree(p):
        loss, (ga, gb), hessian = bowl([p["a"], p["b"].ravel()])
        return loss, {"a": ga, "b": gb.reshape(1, 2)}, hessian

    settings = {**NON_DEFAULT[name], "maximize": False}
    by_tree, _ = run(mlopt.OPTIMIZERS[name](**settings), tree, 4, on_tree)
    by_vector, _ = run(mlopt.OPTIMIZERS[name](**settings), vector, 4, on_vector)
    assert by_tree["b"].shape == (1, 2)
    assert np.array_equal(np.concatenate([by_tree["a"], by_tree["b"].ravel()]), by_vector)


@pytest.mark.parametrize("name", CLOSURE)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_params_dtype_is_kept(name, dtype):
    new, state = run(mlopt.OPTIMIZERS[name](), np.array([1.0, -0.5], dtype=dtype), 2)
    assert new.dtype == dtype
    assert all(value.dtype == dtype for value in state.slots.values() if np.ndim(value))  # L-BFGS's vectors


@pytest.mark.parametrize("name", CLOSURE)
def test_maximize_is_descent_on_the_loss_turned_round(name):
    def turned(params):
        loss, g, hessian = bowl(params)
        return -loss, -g, -hessian

    settings = {**NON_DEFAULT[name], "maximize": False}
    up, up_state = run(mlopt.OPTIMIZERS[name](**{**settings, "maximize": True}), np.array([1.0, -0.5]), 5, turned)
    down, down_state = run(mlopt.OPTIMIZERS[name](**settings), np.array([1.0, -0.5]), 5)
    assert np.array_equal(up, down)
    for key in down_state.slots:
        assert np.array_equal(up_state.slots[key], down_state.slots[key], equal_nan=True)


@pytest.mark.parametrize("name", CLOSURE)
def test_save_load_resume_equals_an_uninterrupted_run(name, tmp_path):
    opt = mlopt.OPTIMIZERS[name](**{**NON_DEFAULT[name], "maximize": False})
    x, state = run(opt, np.array([1.0, -0.5]), 3)
    mlopt.save_state(tmp_path / "state.npz", state)
    loaded = mlopt.load_state(tmp_path / "state.npz")
    resumed, _ = opt.step(closure_for(opt), loaded, x)
    straight, _ = opt.step(closure_for(opt), state, x)
    assert np.array_equal(resumed, straight)


@pytest.mark.parametrize("name", CLOSURE)
def test_an_lr_schedule_is_called_with_the_step_number(name):
    seen = []

    def schedule(t):
        seen.append(t)
        return 0.5 / t

    scheduled, _ = run(mlopt.OPTIMIZERS[name](lr=schedule), np.array([1.0, -0.5]), 4)
    assert seen == [1, 2, 3, 4]
    by_hand, state = np.array([1.0, -0.5]), None
    opt = mlopt.OPTIMIZERS[name](lr=0.5)
    state = opt.init(by_hand)
    for t in range(1, 5):  # the same steps with a new optimizer per step at that step's lr
        opt = mlopt.OPTIMIZERS[name](lr=0.5 / t)
        by_hand, state = opt.step(closure_for(opt), state._replace(step=t - 1), by_hand)
    assert_close(scheduled, by_hand, f"{name} with a schedule")


@pytest.mark.parametrize("name", CLOSURE)
def test_help_shows_the_closure_and_the_box(name):
    doc = inspect.getdoc(mlopt.OPTIMIZERS[name])
    assert "opt.step(closure, state, params)" in doc and "for t = 1, 2" in doc
    assert repr(mlopt.OPTIMIZERS[name](lr=0.5)).startswith(f"mlopt.{name}(lr=0.5")


@pytest.mark.parametrize("name", CLOSURE)
def test_bad_input_names_the_parameter_and_the_value(name):
    factory = mlopt.OPTIMIZERS[name]
    opt = factory()
    x = np.array([1.0, -0.5])
    state = opt.init(x)
    with pytest.raises(ValueError, match=r"lr must be in \[0, inf\); got -1.0"):
        factory(lr=-1.0)
    with pytest.raises(ValueError, match=r"takes one value of lr .* shape \(3,\)"):
        factory(lr=np.ones(3)).init(x)
    with pytest.raises(TypeError, match="closure must be a function params ->"):
        opt.step(None, state, x)
    with pytest.raises(TypeError, match=r"closure must return \(loss, grads"):
        opt.step(lambda p: p, state, x)
    with pytest.raises(ValueError, match=r"grads has shape \(3,\) but params has shape \(2,\)"):
        opt.step(lambda p: (1.0, np.ones(3), np.eye(2))[:2 + opt.hessian], state, x)
    with pytest.raises(TypeError, match="the closure's loss must be a real number; got 'a'"):
        opt.step(lambda p: ("a", p, np.eye(2))[:2 + opt.hessian], state, x)
    with pytest.raises(ValueError, match="state belongs to another params tree"):
        opt.step(closure_for(opt), state, np.array([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match=f"state was made by mlopt.adam, not by mlopt.{name}"):
        opt.step(closure_for(opt), mlopt.adam().init(x), x)
    with pytest.raises(TypeError, match="integer dtype int64"):
        opt.init(np.array([1, 2]))
    with pytest.raises(TypeError, match="give it a Surface"):
        mlopt.trajectory(opt, lambda p: p, x, 3)
    assert np.array_equal(x, [1.0, -0.5])


def test_newton_wants_a_square_hessian_over_every_parameter():
    opt = mlopt.newton()
    x = np.array([1.0, -0.5])
    with pytest.raises(ValueError, match=r"a real \(2, 2\) array over the 2 parameters; got float64 of shape \(3, 3\)"):
        opt.step(lambda p: (1.0, p, np.eye(3)), opt.init(x), x)
    with pytest.raises(ValueError, match="damping must be in"):
        mlopt.newton(damping=-1.0)


def test_lbfgs_options_are_checked():
    with pytest.raises(ValueError, match="line_search_fn must be None or 'strong_wolfe'; got 'armijo'"):
        mlopt.lbfgs(line_search_fn="armijo")
    for key, value in (("max_iter", 0), ("history_size", 2.5), ("max_eval", True), ("tolerance_grad", -1.0)):
        with pytest.raises(ValueError, match=f"{key} must be"):
            mlopt.lbfgs(**{key: value})


def test_newton_lands_on_a_quadratic_minimum_in_one_step_and_damping_bends_it_to_the_gradient():
    b = np.array([1.0, -2.0])
    quadratic = lambda x: (0.5 * x @ A @ x - b @ x, A @ x - b, A)  # noqa: E731
    x0 = np.array([5.0, 5.0])
    x, _ = mlopt.newton().step(quadratic, mlopt.newton().init(x0), x0)
    assert_close(x, np.linalg.solve(A, b), "one Newton step")
    heavy = mlopt.newton(damping=1e8)
    x, _ = heavy.step(quadratic, heavy.init(x0), x0)
    assert_close((x0 - x) * 1e8, A @ x0 - b, "-g / damping", rtol=1e-6)


def test_lbfgs_keeps_at_most_history_size_pairs_and_skips_flat_ones():
    opt = mlopt.lbfgs(max_iter=1, history_size=3)
    x, state = run(opt, np.array([1.0, -0.5]), 8)
    assert state.slots["s"].shape == (3, 2) and state.slots["y"].shape == (3, 2) and state.slots["rho"].shape == (3,)
    assert_close(state.slots["rho"], 1 / np.sum(state.slots["s"] * state.slots["y"], axis=1), "rho = 1 / y.s")
    line = lambda x: (float(x[0]), np.array([1.0, 0.0]))  # noqa: E731  constant gradient: y = 0, no pair
    opt = mlopt.lbfgs(max_iter=5, lr=0.1)
    x, state = run(opt, np.array([0.0, 0.0]), 1, lambda p: (*line(p), None))
    assert state.slots["s"].shape == (0, 2) and int(state.slots["iterations"]) == 5
    assert_close(x, [-0.1 - 4 * 0.1, 0.0], "steps of lr along -g after the first")


@pytest.mark.parametrize("name", CLOSURE)
def test_mini_batch_training_and_partitions_say_why_they_cannot_take_it(name):
    with pytest.raises(TypeError, match=f"models.train steps on mini-batch gradients; mlopt.{name} takes a closure"):
        models.train(mlopt.OPTIMIZERS[name](), models.softmax_regression(), models.digits())
    with pytest.raises(TypeError, match=r"optimizers\['all'\] is mlopt\.\w+\(.*\), which takes a closure"):
        mlopt.Partition(lambda path, leaf: "all", {"all": mlopt.OPTIMIZERS[name]()})


@pytest.mark.parametrize("name", CLOSURE)
@pytest.mark.parametrize("shape", [(), (0, 3), (2, 0, 3), (3, 1)])
def test_every_shape_works(name, shape):
    """A scalar, empty arrays and any number of axes: the leaves are joined into one vector and cut back."""
    x = np.full(shape, 1.5)
    opt = mlopt.OPTIMIZERS[name]()

    def closure(p):
        loss, g = float(np.sum(p**2)), 2 * p
        return (loss, g, 2 * np.eye(p.size)) if opt.hessian else (loss, g)

    new, state = opt.step(closure, opt.init(x), x)
    assert new.shape == shape and np.all(np.abs(new) < np.abs(x))  # closer to the minimum at 0
    assert state.step == 1
