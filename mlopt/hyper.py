"""Hyperparameters: checked once, here, for every optimizer.

A hyperparameter (``lr``, ``beta1``, ``eps``, ...) may be

- a Python float;
- an array that broadcasts against the parameters, so that one run carries a
  whole grid of settings (``lr=np.logspace(-3, 0, 20)[:, None]`` with
  parameters of shape ``(20, 2)`` runs 20 learning rates side by side);
- a callable of the step number ``t`` (1 on the first update): a schedule.

Constants are converted to read-only float64 arrays when the optimizer is made;
a schedule's value is checked each time it is used.
"""

import math
from numbers import Real

import numpy as np

# name -> (lowest allowed, highest allowed, is the upper end excluded?)
RANGES = {
    "lr": (0.0, math.inf, False),
    "eps": (0.0, math.inf, False),
    "weight_decay": (0.0, math.inf, False),
    "momentum_decay": (0.0, math.inf, False),
    "beta": (0.0, 1.0, True),
    "beta1": (0.0, 1.0, True),
    "beta2": (0.0, 1.0, True),
    "rho": (0.0, 1.0, True),
}


def _range(name):
    """RANGES[name], or a TypeError that says where a new hyperparameter's range belongs."""
    if name not in RANGES:
        raise TypeError(f"hyperparameter {name!r} has no range: add it to RANGES in mlopt/hyper.py "
                        "as (lowest allowed, highest allowed, is the upper end excluded?)")
    return RANGES[name]


def _interval(name):
    low, high, open_high = _range(name)
    return f"[{low:g}, {high:g}{')' if open_high else ']'}".replace("inf]", "inf)")


def _check_range(name, value, where=""):
    low, high, open_high = _range(name)
    inside = (value >= low) & ((value < high) if open_high else (value <= high))
    if not np.all(inside):
        bad = np.argwhere(~np.asarray(inside))
        if value.ndim == 0:
            got = f"got {float(value)!r}"
        else:
            index = tuple(int(i) for i in bad[0])
            got = f"got {float(value[index])!r} at index {index}"
        raise ValueError(f"{name}{where} must be in {_interval(name)}; {got}")


def _as_float_array(name, value, where=""):
    if isinstance(value, (bool, np.bool_)) or (
        not isinstance(value, (Real, np.ndarray, list, tuple))
    ):
        raise TypeError(
            f"{name}{where} must be a real number, an array of them, or a callable "
            f"of the step t; got {value!r} ({type(value).__name__})"
        )
    array = np.array(value)
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{name}{where} must be real-valued; got {value!r} (dtype {array.dtype})"
        )
    array = array.astype(np.float64)
    array.flags.writeable = False
    return array


def constant_or_schedule(name, value):
    """Check ``value`` for hyperparameter ``name``; return it ready for use.

    Returns a read-only float64 array (a copy, so the caller's array may change
    later without changing the optimizer), or the callable itself.
    """
    _range(name)  # a schedule's name is checked now, its values when they are used
    if callable(value):
        return value
    array = _as_float_array(name, value)
    _check_range(name, array)
    return array


def value_at(name, value, t):
    """The value of a hyperparameter at step ``t``, as a float64 array."""
    if not callable(value):
        return value
    array = _as_float_array(name, value(t), where=f"(t={t})")
    _check_range(name, array, where=f"(t={t})")
    return array


def check_broadcast(name, value, shape, path):
    """Raise unless the array hyperparameter ``value`` broadcasts to ``shape``.

    Broadcasting may not enlarge the parameters: a grid of settings needs
    parameters that already carry the grid's axes.
    """
    if value.ndim == 0:
        return
    try:
        joint = np.broadcast_shapes(value.shape, shape)
    except ValueError:
        joint = None
    if joint != tuple(shape):
        hint = f" (for this grid, parameters of shape {joint})" if joint else ""
        raise ValueError(
            f"{name} has shape {value.shape}, which does not broadcast to {path} "
            f"of shape {tuple(shape)}: parameters must carry the grid's axes{hint}"
        )
