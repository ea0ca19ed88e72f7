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
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Fact:
    """What mlopt knows about one hyperparameter name, for every optimizer that has it."""

    meaning: str  # what it does, in a few words (help() and the explorer show it)
    low: float  # the allowed values: from low to high, ends included unless said open
    high: float
    open_low: bool = False
    open_high: bool = False
    # The explorer's slider: ("linear" or "log" (then min and max are powers of 10), min, max,
    # step, readout format or None); None: no slider (schedules' settings have their own menu).
    slider: tuple | None = None
    sample: tuple | None = None  # (low, high): where the property tests draw it from
    whole: bool = False  # a count (of steps): whole numbers only

    def interval(self):
        if self.whole:
            return f"{{{self.low:g}, {self.low + 1:g}, ...}}"
        return (f"{'(' if self.open_low else '['}{self.low:g}, {self.high:g}"
                f"{')' if self.open_high or self.high == math.inf else ']'}")

    def holds(self, value):
        above = value > self.low if self.open_low else value >= self.low
        below = value < self.high if self.open_high else value <= self.high
        return above & below & (np.floor(value) == value) if self.whole else above & below


_INF = math.inf
# The one table of hyperparameter facts: validation here, the explorer's sliders
# (mlopt.viz.widgets.SLIDERS), the schedules' checks and the tests' strategies read it.
# The optimizers' first, in the order the explorer shows their sliders.
FACTS = {
    "lr": Fact("the step size", 0, _INF, slider=("log", -5, 1, 0.05, ".2e"), sample=(0.0, 1.0)),
    "beta": Fact("momentum's (or RMSProp's average's) decay per step", 0, 1, open_high=True,
                 slider=("linear", 0, 0.999, 0.001, None), sample=(0.0, 0.999)),
    "beta1": Fact("decay per step of the average of g (the first moment)", 0, 1, open_high=True,
                  slider=("linear", 0, 0.999, 0.001, None), sample=(0.0, 0.999)),
    "beta2": Fact("decay per step of the average of g^2 (or of |g|, or Lion's momentum)", 0, 1,
                  open_high=True, slider=("linear", 0, 0.9999, 0.0001, ".4f"), sample=(0.0, 0.999)),
    "rho": Fact("AdaDelta's decay per step of both averages", 0, 1, open_high=True,
                slider=("linear", 0, 0.999, 0.001, None), sample=(0.0, 0.999)),
    "eps": Fact("added to a denominator, which it keeps away from zero", 0, _INF,
                slider=("log", -12, 0, 0.5, ".0e"), sample=(0.0, 1e-3)),
    "momentum": Fact("momentum's decay per step (centered RMSProp), or Schedule-Free's weight of x in y", 0, 1,
                     open_high=True, slider=("linear", 0, 0.99, 0.01, None), sample=(0.0, 0.999)),
    "dampening": Fact("momentum's damping of each new gradient (1 - dampening is its weight)", 0, 1,
                      slider=("linear", 0, 1, 0.05, None), sample=(0.0, 1.0)),
    "lr_decay": Fact("AdaGrad's decay of lr: lr / (1 + (t - 1) lr_decay)", 0, _INF,
                     slider=("linear", 0, 0.1, 0.001, ".3f"), sample=(0.0, 0.5)),
    "initial_accumulator_value": Fact("AdaGrad's starting sum of squared gradients", 0, _INF,
                                      slider=("linear", 0, 1, 0.01, None), sample=(0.0, 1.0)),
    "momentum_decay": Fact("NAdam's psi: how fast its momentum factor warms up", 0, _INF,
                           slider=("linear", 0, 0.05, 0.001, ".3f"), sample=(0.0, 0.999)),
    "weight_decay": Fact("pull of each parameter towards zero (coupled L2, or decoupled in AdamW and Lion)",
                         0, _INF, slider=("linear", 0, 2, 0.01, None), sample=(0.0, 0.5)),
    "eta_minus": Fact("Rprop's factor for a step size after the gradient's sign flips", 0, 1, open_low=True,
                      open_high=True, slider=("linear", 0.05, 0.95, 0.05, None), sample=(0.05, 0.95)),
    "eta_plus": Fact("Rprop's factor for a step size while the gradient's sign holds", 1, _INF, open_low=True,
                     slider=("linear", 1.01, 2.0, 0.01, None), sample=(1.01, 3.0)),
    "step_min": Fact("Rprop's smallest step size", 0, _INF, slider=("log", -9, -1, 0.5, ".0e"), sample=(0.0, 1e-3)),
    "step_max": Fact("Rprop's largest step size", 0, _INF, slider=("log", -3, 2, 0.1, ".1e"), sample=(0.5, 50.0)),
    "lambd": Fact("ASGD's decay: it shrinks theta by lambd * eta per step and slows eta", 0, _INF,
                  slider=("log", -6, 0, 0.25, ".0e"), sample=(0.0, 1e-2)),
    "alpha": Fact("ASGD's power in the decay of its step size", 0, _INF,
                  slider=("linear", 0, 1, 0.05, None), sample=(0.0, 1.0)),
    "t0": Fact("ASGD's step after which the iterates are averaged", 0, _INF,
               slider=("log", 0, 6, 0.25, ".0f"), sample=(0.0, 10.0)),
    "beta2_decay": Fact("Adafactor's tau: its average of g^2 forgets with weight t^tau at step t", -_INF, 0,
                        open_low=True, sample=(-2.0, 0.0)),
    "eps2": Fact("Adafactor's floor of a matrix's RMS in its relative step size", 0, _INF, sample=(0.0, 1e-2)),
    "d": Fact("Adafactor's clipping threshold: an update's RMS is cut to at most d", 1, _INF, sample=(1.0, 5.0)),
    "warmup_steps": Fact("Schedule-Free's steps of linear warm-up of lr", 0, _INF, whole=True,
                         slider=("linear", 0, 200, 1, ".0f"), sample=(0, 20)),
    "r": Fact("Schedule-Free's power of t in each step's weight in the average x", 0, _INF,
              slider=("linear", 0, 4, 0.1, None), sample=(0.0, 3.0)),
    "weight_lr_power": Fact("Schedule-Free's power of the largest lr so far in each step's weight", 0, _INF,
                            slider=("linear", 0, 4, 0.1, None), sample=(0.0, 3.0)),
    "damping": Fact("Newton's shift lambda of the Hessian: the step solves (H + lambda I) p = g", 0, _INF,
                    slider=("linear", 0, 20, 0.1, None), sample=(0.0, 10.0)),  # linear: 0 is pure Newton
    # The schedules' settings (mlopt.schedules).
    "lr_min": Fact("the lowest lr of a schedule", 0, _INF),
    "max_lr": Fact("the peak lr of one-cycle", 0, _INF),
    "gamma": Fact("the factor an lr is multiplied by (per step, or per step_size steps)", 0, _INF),
    "start_factor": Fact("warm-up's first lr, as a share of lr", 0, 1, open_low=True),
    "pct_start": Fact("the share of one-cycle's steps spent rising", 0, 1),
    "div_factor": Fact("one-cycle's peak lr over its first", 0, _INF, open_low=True),
    "final_div_factor": Fact("one-cycle's first lr over its last", 0, _INF, open_low=True),
}


@dataclass(frozen=True)
class Option:
    """A setting that is not a number to grid over (a switch, a choice, a count), fixed
    when the optimizer is made and passed to its rule as it is."""

    meaning: str
    allowed: str  # the allowed values, in words
    holds: Callable[[Any], bool]

    def interval(self):
        return self.allowed


def _real(value):
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


OPTIONS = {
    "nesterov": Option("Muon: orthogonalise the Nesterov look-ahead of the momentum, not the momentum",
                       "True or False", lambda v: isinstance(v, bool)),
    "ns_coefficients": Option("Muon: (a, b, c) of its Newton-Schulz step X -> a X + b (X X^T) X + c (X X^T)^2 X",
                              "three real numbers", lambda v: isinstance(v, tuple) and len(v) == 3
                              and all(map(_real, v))),
    "ns_steps": Option("Muon: the number of Newton-Schulz steps", "{0, 1, ..., 99}",
                       lambda v: isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 100),
    "adjust_lr_fn": Option("Muon: how lr scales with the matrix's shape (m, n)",
                           "None or 'original' (sqrt(max(1, m / n))), or 'match_rms_adamw' (0.2 sqrt(max(m, n)))",
                           lambda v: v in (None, "original", "match_rms_adamw")),
    "maximize": Option("ascent: climb J instead of descending it (the gradient's sign flipped first)",
                       "True or False", lambda v: isinstance(v, bool)),
    "eps1": Option("Adafactor: floor of its estimate of g^2 (None: the dtype's machine epsilon)",
                   "None or a real number >= 0", lambda v: v is None or (_real(v) and v >= 0)),
    "max_iter": Option("L-BFGS: the most iterations in one step", "a whole number >= 1", lambda v: _count(v, 1)),
    "max_eval": Option("L-BFGS: the most evaluations of the closure in one step",
                       "None (max_iter * 5 // 4) or a whole number >= 1", lambda v: v is None or _count(v, 1)),
    "tolerance_grad": Option("L-BFGS: stop the step once the largest |g| is at most this", "a real number >= 0",
                             lambda v: _real(v) and v >= 0),
    "tolerance_change": Option("L-BFGS: stop the step once a step or a change of loss is below this",
                               "a real number >= 0", lambda v: _real(v) and v >= 0),
    "history_size": Option("L-BFGS: how many pairs (s, y) of past steps it keeps", "a whole number >= 1",
                           lambda v: _count(v, 1)),
    "line_search_fn": Option("L-BFGS: None (take the step lr d) or 'strong_wolfe' (search along d from it)",
                             "None or 'strong_wolfe'", lambda v: v in (None, "strong_wolfe")),
}


def _count(value, low):
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def check_option(name, value):
    """``value`` for the option ``name``, checked; returned as it is."""
    if name not in OPTIONS:
        raise TypeError(f"option {name!r} is unknown: add it to OPTIONS in mlopt/hyper.py")
    if not OPTIONS[name].holds(value):
        raise ValueError(f"{name} must be {OPTIONS[name].allowed}; got {value!r}")
    return value


def fact(name):
    """FACTS[name], or a TypeError that says where a new hyperparameter's facts belong."""
    if name not in FACTS:
        raise TypeError(f"hyperparameter {name!r} has no range: add it to FACTS in mlopt/hyper.py "
                        "(its meaning, its allowed values, its slider and its test range)")
    return FACTS[name]


def check_real(name, value):
    """A plain real number ``value`` of hyperparameter ``name``, checked; returned as a float."""
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
        raise TypeError(f"{name} must be a real number; got {value!r}")
    if not fact(name).holds(value):
        raise ValueError(f"{name} must be in {fact(name).interval()}; got {value!r}")
    return float(value)


def _check_range(name, value, where=""):
    inside = fact(name).holds(value)
    if not np.all(inside):
        bad = np.argwhere(~np.asarray(inside))
        if value.ndim == 0:
            got = f"got {float(value)!r}"
        else:
            index = tuple(int(i) for i in bad[0])
            got = f"got {float(value[index])!r} at index {index}"
        raise ValueError(f"{name}{where} must be in {fact(name).interval()}; {got}")


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


def constant_or_schedule(name, value, where=""):
    """Check ``value`` for hyperparameter ``name``; return it ready for use.

    Returns a read-only float64 array (a copy, so the caller's array may change
    later without changing the optimizer), or the callable itself. ``where`` ends
    the messages (" for params['b']").
    """
    fact(name)  # a schedule's name is checked now, its values when they are used
    if callable(value):
        return value
    array = _as_float_array(name, value, where)
    _check_range(name, array, where)
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
