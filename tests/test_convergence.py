"""Convergence table: every optimizer reaches the minimum of a convex quadratic and of
Rosenbrock's function, with the learning rate and budget stated here.

Each lr was picked from a log grid (1e-4 ... 5) as a round value inside the range
that converges, not at its edge, and each budget is about 1.5x the steps measured
to get within TOL and stay there (mlopt/records.py keeps them, with the measured
steps). The hyperparameters not named are the defaults.
"""

import numpy as np
import pytest

import mlopt
from mlopt.records import RECORDS, on_surfaces

TOL = 1e-3  # distance to the minimiser at the end of the budget

CURVATURES = np.array([1.0, 10.0])  # J(x, y) = (x^2 + 10 y^2) / 2: condition number 10


def quadratic_grad(xy):
    return CURVATURES * xy


def rosenbrock_grad(xy):  # J(x, y) = (1 - x)^2 + 100 (y - x^2)^2
    x, y = xy[..., 0], xy[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


def quadratic(xy):  # loss, gradient and Hessian, for the optimizers that take a closure
    return 0.5 * np.sum(CURVATURES * xy**2), quadratic_grad(xy), np.diag(CURVATURES)


def rosenbrock(xy):
    x, y = xy
    hessian = np.array([[2 - 400 * (y - 3 * x**2), -400 * x], [-400 * x, 200.0]])
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2, rosenbrock_grad(xy), hessian


SURFACES = {
    "quadratic": (quadratic_grad, np.array([1.5, -1.0]), np.zeros(2)),
    "rosenbrock": (rosenbrock_grad, np.array([-1.2, 1.0]), np.ones(2)),
}
CLOSURES = {"quadratic": quadratic, "rosenbrock": rosenbrock}

# (optimizer, surface): (lr, steps), from each optimizer's record.
TABLE = {(name, surface): budget for name, record in RECORDS.items() for surface, budget in record.budgets.items()}


@pytest.mark.parametrize("name,surface", sorted(TABLE))
def test_reaches_the_minimum(name, surface):
    grad, start, minimiser = SURFACES[surface]
    lr, steps = TABLE[name, surface]
    opt = on_surfaces(name, lr=lr)
    xy = start.copy()
    state = opt.init(xy)
    if hasattr(opt, "step"):  # Newton, L-BFGS: a closure (L-BFGS one iteration per step, as on the surfaces)
        closure = CLOSURES[surface] if opt.hessian else (lambda xy: CLOSURES[surface](xy)[:2])
    for _ in range(steps):
        xy, state = opt.step(closure, state, xy) if hasattr(opt, "step") else opt.update(grad(xy), state, xy)
    distance = np.linalg.norm(xy - minimiser)
    assert distance < TOL, f"{name} on {surface}: {distance:.2e} from the minimum after {steps} steps"


# Muon and Adafactor act on whole matrices and do not run on the 2D surfaces: they are checked on
# least squares with a matrix of unknowns, with a cosine schedule to 0 over the budget (Muon's
# steps never shrink by themselves). Each lr is inside the range that converges (measured: Muon
# 0.01 to 3 within 1e-3 in 1000 steps, Adafactor 0.03 to 3 to 1e-11 or better).
MATRIX_BUDGETS = {"muon": (0.1, 1000), "adafactor": (0.1, 500)}  # measured distance 1.8e-5 and 5.5e-15


@pytest.mark.parametrize("name", sorted(MATRIX_BUDGETS))
def test_a_rule_on_whole_matrices_reaches_the_least_squares_minimum(name):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 8)) @ np.diag(np.logspace(0, -0.5, 8))
    Y = X @ rng.normal(size=(8, 5))
    W_star = np.linalg.lstsq(X, Y, rcond=None)[0]
    lr, steps = MATRIX_BUDGETS[name]
    opt = mlopt.OPTIMIZERS[name](lr=mlopt.schedules.cosine(lr, total_steps=steps))
    W = 0.1 * rng.normal(size=(8, 5))
    state = opt.init(W)
    for _ in range(steps):
        W, state = opt.update(X.T @ (X @ W - Y) / len(X), state, W)
    distance = np.linalg.norm(W - W_star)
    assert distance < TOL, f"{name}: {distance:.2e} from the least-squares minimum after {steps} steps"


def test_every_optimizer_is_checked_for_convergence():
    """On the surfaces (its record's budgets) or, for the rules on whole matrices, on least squares."""
    assert {name for name, _ in TABLE} | set(MATRIX_BUDGETS) == set(mlopt.OPTIMIZERS)
