"""Check a reader's own update rule against mlopt's, step by step.

    from mlopt.selfcheck import check
    def my_adam(theta, g, m, v, *, t, lr, beta1, beta2, eps, weight_decay):
        ...
        return theta, m, v
    check("adam", my_adam)

The reader's function has the signature of the module's ``update`` (see
``mlopt/optimizers/<name>.py``). Both run from the same arrays for a few steps;
the verdict names the first step and the variable (theta or which buffer) that
differ, with the expected and the actual values. A wrong signature or an
exception in the reader's code is reported as such, never as a crash here.
"""

import importlib
import inspect

import numpy as np

from .optimizers import OPTIMIZERS

RTOL, ATOL = 1e-9, 1e-12


class Verdict:
    """The outcome of `check`: ``passed``, and where it first went wrong if not."""

    def __init__(self, passed, message, step=None, variable=None, expected=None, got=None):
        self.passed, self.message = passed, message
        self.step, self.variable, self.expected, self.got = step, variable, expected, got

    def __repr__(self):
        return self.message

    def __bool__(self):
        return self.passed


def _problem(steps):
    """Fixed test data: parameters and gradients of mixed signs and scales."""
    theta = np.array([1.5, -0.8, 0.03, -2e-3, 4.0])
    rng = np.random.default_rng(2015)
    noise = rng.normal(size=(steps, theta.size))
    scales = np.array([1.0, 10.0, 0.1, 100.0, 0.01])
    return theta, lambda theta, t: scales * theta + noise[t - 1]


def _show(array):
    return np.array2string(np.asarray(array), precision=6, separator=", ")


def check(name, your_update, steps=6, **hyperparams):
    """Run ``your_update`` beside mlopt's rule for optimizer ``name``; return a `Verdict`."""
    if name not in OPTIMIZERS:
        raise ValueError(f"name must be one of {list(OPTIMIZERS)}; got {name!r}")
    reference = importlib.import_module(f"mlopt.optimizers.{name}").update
    factory = OPTIMIZERS[name]
    values = {k: p.default for k, p in inspect.signature(factory).parameters.items()}
    values["lr"] = 0.1 if name != "adadelta" else 1.0
    values.update(hyperparams)
    optimizer = factory()
    buffers = optimizer.slot_names
    variables = ("theta", *buffers)
    call = f"{getattr(your_update, '__name__', 'your function')}(theta, g, {', '.join(buffers) + ', ' if buffers else ''}t=..., {', '.join(f'{k}=...' for k in values)})"

    theta, gradient = _problem(steps)
    state = [np.full_like(theta, optimizer.initial[b]) for b in buffers]
    for t in range(1, steps + 1):
        g = gradient(theta, t)
        expected = reference(theta, g, *state, t=t, **values)
        inputs = [theta.copy(), g.copy(), *(b.copy() for b in state)]
        try:
            got = your_update(*inputs, t=t, **values)
        except TypeError as error:
            if "argument" in str(error):
                return Verdict(False, f"{name}: could not call {call}: {error}")
            return Verdict(False, f"{name}: your function raised TypeError at step {t}: {error}", step=t)
        except Exception as error:  # the reader's code failed: say so, do not crash
            return Verdict(False, f"{name}: your function raised {type(error).__name__} at step {t}: {error}", step=t)
        got = got if isinstance(got, tuple) else (got,)
        if len(got) != len(variables):
            return Verdict(False, f"{name}: your function must return {len(variables)} values "
                                  f"({', '.join(variables)}); it returned {len(got)}", step=t)
        for variable, want, have in zip(variables, expected, got):
            have = np.asarray(have, dtype=float)
            if have.shape != np.shape(want) or not np.allclose(have, want, rtol=RTOL, atol=ATOL):
                message = f"{name}: differs at step {t} in {variable}:\n  expected {_show(want)}\n  got      {_show(have)}"
                if have.shape == np.shape(want):  # how far off, when six digits look alike
                    with np.errstate(divide="ignore", invalid="ignore"):
                        relative = np.max(np.abs(have - want) / np.maximum(np.abs(want), ATOL))
                    message += f"\n  largest relative difference {relative:.1e} (the check allows {RTOL:.0e})"
                return Verdict(False, message, step=t, variable=variable, expected=np.asarray(want), got=have)
        theta, *state = expected  # go on from the right values
    return Verdict(True, f"{name}: pass, your update matches mlopt.{name} for {steps} steps")
