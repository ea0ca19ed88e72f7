"""Hyperparameter settings shared by the tests: defaults and a non-default set (from each
optimizer's record in mlopt/records.py)."""

import numpy as np

import mlopt
from mlopt.records import RECORDS

NON_DEFAULT = {name: record.non_default for name, record in RECORDS.items()}


def gradient(theta, t):
    """A gradient that depends on theta and on the step: a noisy quadratic bowl.

    Deterministic in (theta, t), with entries of both signs and several scales.
    """
    noise = np.random.default_rng(t).normal(size=np.shape(theta))
    scales = 10.0 ** np.linspace(-2, 1, max(np.size(theta), 1)).reshape(np.shape(theta) or ())
    return scales * theta + noise


def assert_close(actual, expected, what, rtol=1e-12, floor=None):
    """Elementwise |a - e| <= rtol * max(|e|, floor): by default a tiny scale of the whole array."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    if floor is None:
        floor = np.max(np.abs(expected), initial=0.0) * 1e-3
    bound = rtol * np.maximum(np.abs(expected), floor)
    error = np.abs(actual - expected)
    bad = ~(error <= bound)
    assert not bad.any(), (
        f"{what}: first difference at {np.argwhere(bad)[0].tolist()}: "
        f"{actual[bad][0]!r} vs {expected[bad][0]!r}"
    )


def acts_on(name):
    return mlopt.OPTIMIZERS[name]().acts_on


# Newton and L-BFGS take a closure, not a gradient (mlopt.closure): tests/test_closure.py,
# tests/test_lbfgs_parity.py and the closure tests of tests/test_reference.py check them. The tests
# of update rules run on the others.
CLOSURE = [name for name in mlopt.OPTIMIZERS if acts_on(name) == "vector"]
GRADIENT = [name for name in mlopt.OPTIMIZERS if name not in CLOSURE]
SETTINGS = [(name, {}) for name in GRADIENT] + [(name, NON_DEFAULT[name]) for name in GRADIENT]
SETTING_IDS = [f"{name}-{'nondefault' if hp else 'default'}" for name, hp in SETTINGS]

# The elementwise optimizers: any shape is a batch of independent numbers to them.
ELEMENTWISE = [name for name in mlopt.OPTIMIZERS if acts_on(name) == "element"]
# For the others (Muon, Adafactor) a leaf is one matrix, or a batch of matrices on its leading axes.
MATRIX_SHAPE = (3, 4)


def leaf_shape(name, shape=(7,)):
    """``shape`` for an elementwise optimizer; for a rule on whole matrices, the matrix
    ``MATRIX_SHAPE`` (a stand-in of the same role: one leaf)."""
    return tuple(shape) if acts_on(name) == "element" else MATRIX_SHAPE


def accepted(name, shape):
    """``shape``, if the optimizer takes a leaf of that shape; else the matrix ``MATRIX_SHAPE``
    (Muon takes matrices only)."""
    return tuple(shape) if acts_on(name) != "matrix" or len(shape) >= 2 else MATRIX_SHAPE


def grid_shape(name, rows, shape=(2,)):
    """Parameters that carry a grid of ``rows`` settings on their first axis."""
    return (rows, *leaf_shape(name, shape))


def grid_axis(values, name, shape=(2,)):
    """A 1-D array of settings shaped to broadcast along the first axis of `grid_shape`."""
    return np.asarray(values).reshape(-1, *[1] * len(leaf_shape(name, shape)))


def numeric(name):
    """The factory's hyperparameters that are numbers (a grid or a schedule may take their place),
    without its options (Muon's nesterov, ns_steps ...) and maximize."""
    import inspect

    factory = mlopt.OPTIMIZERS[name]
    return [key for key in inspect.signature(factory).parameters if key not in factory().options and key != "maximize"]


def rosenbrock_4(x):
    """Rosenbrock's valley in 4 dimensions, its gradient and its Hessian (numpy)."""
    loss = np.sum((1 - x[:-1]) ** 2 + 100 * (x[1:] - x[:-1] ** 2) ** 2)
    g = np.zeros_like(x)
    g[:-1] = -2 * (1 - x[:-1]) - 400 * x[:-1] * (x[1:] - x[:-1] ** 2)
    g[1:] += 200 * (x[1:] - x[:-1] ** 2)
    H = np.zeros((len(x), len(x)))
    for i in range(len(x) - 1):
        H[i, i] += 2 - 400 * (x[i + 1] - 3 * x[i] ** 2)
        H[i, i + 1] = H[i + 1, i] = -400 * x[i]
        H[i + 1, i + 1] += 200
    return loss, g, H
