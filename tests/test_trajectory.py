"""Trajectories and sweeps: shapes, exactness against plain loops, divergence."""

import warnings

import numpy as np
import pytest

import mlopt
from mlopt.records import ON_SURFACES

ROSENBROCK = mlopt.SURFACES["rosenbrock"]()


def plain_loop(opt, surface, x0, steps):
    x = np.asarray(x0, dtype=float)
    state, rows = opt.init(x), [x]
    for _ in range(steps):
        if hasattr(opt, "step"):  # Newton, L-BFGS: a closure of the surface's loss, gradient (and Hessian)
            x, state = opt.step(lambda p: (surface.f(p), surface.grad(p), surface.hessian(p))[:2 + opt.hessian],
                                state, x)
        else:
            x, state = opt.update(surface.grad(x), state, x)
        rows.append(x)
    return np.stack(rows)


@pytest.mark.parametrize("name", ON_SURFACES)
def test_a_trajectory_is_the_optimizers_own_steps(name):
    opt = mlopt.OPTIMIZERS[name](lr=1e-3)
    path = mlopt.trajectory(opt, ROSENBROCK, ROSENBROCK.start, 50)
    assert path.shape == (51, 2)
    assert np.array_equal(path[0], ROSENBROCK.start)
    assert np.array_equal(path, plain_loop(opt, ROSENBROCK, ROSENBROCK.start, 50))


@pytest.mark.parametrize("name", ["newton", "lbfgs"])
def test_a_grid_of_a_closure_optimizer_is_each_setting_run_alone(name):
    """Newton and L-BFGS run one entry of a grid (or batch of starts) at a time; the result is
    the same as each run alone, and a run that leaves the box is NaN from there."""
    lrs = np.array([0.3, 1.0, 3.0])
    settings = {"max_iter": 1, "line_search_fn": None} if name == "lbfgs" else {}
    starts = np.array([[-1.2, 1.0], [0.5, 2.0]])
    paths = mlopt.trajectory(mlopt.OPTIMIZERS[name](lr=lrs[:, None, None], **settings), ROSENBROCK, starts, 30)
    assert paths.shape == (31, 3, 2, 2)
    for i, lr in enumerate(lrs):
        for j, start in enumerate(starts):
            alone = mlopt.trajectory(mlopt.OPTIMIZERS[name](lr=lr, **settings), ROSENBROCK, start, 30)
            assert np.array_equal(paths[:, i, j], alone, equal_nan=True)
    assert np.isnan(paths[-1, 2]).all() and np.isfinite(paths[-1, 1]).all()  # lr = 3 overshoots and leaves


def test_a_singular_newton_step_ends_the_run_as_diverged():
    """On the saddle surface at y = 0 the Hessian is diag(2, -1): damping = 1 makes H + I = diag(3, 0),
    which has no Newton step. step says so, naming damping; trajectory counts the run as diverged."""
    saddle, start = mlopt.SURFACES["saddle"](), np.array([-1.8, 0.0])
    path = mlopt.trajectory(mlopt.newton(damping=1.0), saddle, start, 5)
    assert np.array_equal(path[0], start) and np.isnan(path[1:]).all()
    opt = mlopt.newton(damping=1.0)
    with pytest.raises(np.linalg.LinAlgError, match=r"H \+ damping I is singular at step 1 \(damping=1.0\)"):
        opt.step(lambda p: (saddle.f(p), saddle.grad(p), saddle.hessian(p)), opt.init(start), start)


def test_a_batch_of_starts_is_many_separate_runs():
    opt = mlopt.adam(lr=0.01)
    starts = np.array([[[-1.2, 1.0], [0.5, 2.0]], [[1.5, -0.5], [-1.9, 2.9]]])
    paths = mlopt.trajectory(opt, ROSENBROCK.grad, starts, 40)
    assert paths.shape == (41, 2, 2, 2)
    for i in range(2):
        for j in range(2):
            assert np.array_equal(paths[:, i, j], mlopt.trajectory(opt, ROSENBROCK, starts[i, j], 40))


def test_a_grid_of_learning_rates_from_one_start():
    lrs = np.logspace(-4, -2, 7)
    paths = mlopt.trajectory(mlopt.momentum(lr=lrs[:, None]), ROSENBROCK, ROSENBROCK.start, 30)
    assert paths.shape == (31, 7, 2)
    for i, lr in enumerate(lrs):
        alone = mlopt.trajectory(mlopt.momentum(lr=lr), ROSENBROCK, ROSENBROCK.start, 30)
        assert np.array_equal(paths[:, i], alone, equal_nan=True)
    with pytest.raises(ValueError, match=r"x0 of shape \(2,\) does not broadcast"):
        mlopt.trajectory(mlopt.gd(lr=lrs), ROSENBROCK, ROSENBROCK.start, 3)


def test_divergence_stops_the_entry_marks_it_and_warns_nothing():
    lrs = np.array([1e-3, 0.5, 10.0])[:, None]  # the last two blow up on Rosenbrock
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        paths = mlopt.trajectory(mlopt.gd(lr=lrs), ROSENBROCK, ROSENBROCK.start, 100)
    steps = mlopt.diverged_at(paths)
    assert steps[0] == -1 and 0 < steps[1] and 0 < steps[2] <= steps[1]
    for i in (1, 2):
        assert np.isnan(paths[steps[i]:, i]).all()
        assert np.isfinite(paths[: steps[i], i]).all()
    assert np.isfinite(paths[:, 0]).all()


def test_a_plain_function_without_bounds_diverges_on_overflow_only():
    paths = mlopt.trajectory(mlopt.gd(lr=np.array([[0.1], [3.0]])), lambda xy: 2 * xy, [1.0, 1.0], 2000)
    # x_t = (1 - 3 * 2)^t: |x| = 5^t first exceeds 1e6 at t = 9.
    assert mlopt.diverged_at(paths).tolist() == [-1, 9]


def test_sweep_equals_separate_runs():
    quadratic = mlopt.SURFACES["quadratic"]()
    lrs, betas = np.logspace(-3, 0, 6), np.array([0.0, 0.5, 0.9])
    result = mlopt.sweep(mlopt.momentum, quadratic, 60, lr=lrs, beta=betas, weight_decay=0.0)
    assert result.names == ("lr", "beta") and result.loss.shape == (6, 3) and result.steps == 60
    for i, lr in enumerate(lrs):
        for j, beta in enumerate(betas):
            end = mlopt.trajectory(mlopt.momentum(lr=lr, beta=beta), quadratic, quadratic.start, 60)[-1]
            expected = quadratic.f(end) - quadratic.f_min if np.isfinite(end).all() else np.inf
            assert result.loss[i, j] == expected
    assert np.isinf(result.loss[-1]).all() and np.isfinite(result.loss[0]).all()
    with pytest.raises(ValueError, match="exactly two 1-D hyperparameter arrays"):
        mlopt.sweep(mlopt.momentum, quadratic, 10, lr=lrs)


def test_a_schedule_that_returns_a_grid_runs_the_grid():
    """lr = lambda t: lrs[:, None] * decay(t): one run, each row as if its schedule ran alone."""
    surface = mlopt.SURFACES["rosenbrock"]()
    lrs = np.array([1e-3, 1e-2, 1e-1])
    decay = mlopt.schedules.cosine(1.0, total_steps=50)
    paths = mlopt.trajectory(mlopt.adam(lr=lambda t: lrs[:, None] * decay(t)), surface, surface.start, 50)
    assert paths.shape == (51, 3, 2)
    for i, lr in enumerate(lrs):
        alone = mlopt.trajectory(mlopt.adam(lr=lambda t, lr=lr: lr * decay(t)), surface, surface.start, 50)
        np.testing.assert_array_equal(paths[:, i], alone)


def test_the_evaluated_path_is_the_average_the_state_keeps():
    """Schedule-Free's evaluated path is its x, step by step; an optimizer without an
    average evaluates its iterates, so both paths are the same."""
    surface = mlopt.SURFACES["rosenbrock"]()
    opt = mlopt.sgd_schedule_free(lr=1e-3)
    path = mlopt.trajectory(opt, surface, surface.start, 20, evaluated=True)
    theta, state = surface.start, opt.init(surface.start)
    for t in range(1, 21):
        theta, state = opt.update(surface.grad(theta), state, theta)
        assert np.array_equal(path[t], state.slots["x"])
    assert not np.array_equal(path, mlopt.trajectory(opt, surface, surface.start, 20))
    adam = mlopt.adam(lr=0.05)
    assert np.array_equal(mlopt.trajectory(adam, surface, surface.start, 20, evaluated=True),
                          mlopt.trajectory(adam, surface, surface.start, 20))


def test_one_run_gives_the_path_and_the_average():
    """trajectory_and_average: the two paths of separate runs, bit for bit, from one run; None for
    an optimizer that keeps no average."""
    from mlopt.trajectory import trajectory_and_average

    surface = mlopt.SURFACES["quadratic"]()
    opt = mlopt.asgd(lr=0.05, t0=3)
    path, average = trajectory_and_average(opt, surface, surface.start, 30)
    assert np.array_equal(path, mlopt.trajectory(opt, surface, surface.start, 30))
    assert np.array_equal(average, mlopt.trajectory(opt, surface, surface.start, 30, evaluated=True))
    assert not np.array_equal(path, average)
    assert trajectory_and_average(mlopt.adam(lr=0.05), surface, surface.start, 30)[1] is None
