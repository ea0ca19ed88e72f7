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
from mlopt.records import RECORDS

TOL = 1e-3  # distance to the minimiser at the end of the budget

CURVATURES = np.array([1.0, 10.0])  # J(x, y) = (x^2 + 10 y^2) / 2: condition number 10


def quadratic_grad(xy):
    return CURVATURES * xy


def rosenbrock_grad(xy):  # J(x, y) = (1 - x)^2 + 100 (y - x^2)^2
    x, y = xy[..., 0], xy[..., 1]
    return np.stack([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)], axis=-1)


SURFACES = {
    "quadratic": (quadratic_grad, np.array([1.5, -1.0]), np.zeros(2)),
    "rosenbrock": (rosenbrock_grad, np.array([-1.2, 1.0]), np.ones(2)),
}

# (optimizer, surface): (lr, steps), from each optimizer's record.
TABLE = {(name, surface): budget for name, record in RECORDS.items() for surface, budget in record.budgets.items()}


@pytest.mark.parametrize("name,surface", sorted(TABLE))
def test_reaches_the_minimum(name, surface):
    grad, start, minimiser = SURFACES[surface]
    lr, steps = TABLE[name, surface]
    opt = mlopt.OPTIMIZERS[name](lr=lr)
    xy = start.copy()
    state = opt.init(xy)
    for _ in range(steps):
        xy, state = opt.update(grad(xy), state, xy)
    distance = np.linalg.norm(xy - minimiser)
    assert distance < TOL, f"{name} on {surface}: {distance:.2e} from the minimum after {steps} steps"
