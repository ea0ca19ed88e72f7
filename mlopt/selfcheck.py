"""Check a reader's own update rule against mlopt's, step by step.

    from mlopt.selfcheck import check
    def my_adam(theta, g, m, v, *, t, lr, beta1, beta2, eps, weight_decay):
        ...
        return theta, m, v
    check("adam", my_adam)

The reader's function has the signature of the module's ``update`` (see
``mlopt/optimizers/<name>.py``). Both run from the same arrays for a few steps;
the verdict names the first step and the variable (theta or which buffer) that
differ, with the expected and the actual values. A wrong signature, an
exception in the reader's code or a value that is not an array of real numbers
is reported as such, never as a crash here.
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


def _problem(steps, matrix=False):
    """Fixed test data: parameters and gradients of mixed signs and scales (a vector, or
    for the rules on whole matrices a 3 x 5 matrix whose rows are that vector scaled)."""
    theta = np.array([1.5, -0.8, 0.03, -2e-3, 4.0])
    scales = np.array([1.0, 10.0, 0.1, 100.0, 0.01])
    if matrix:
        theta = np.outer([1.0, -0.5, 2.0], theta)
    rng = np.random.default_rng(2015)
    noise = rng.normal(size=(steps, *theta.shape))
    return theta, lambda theta, t: scales * theta + noise[t - 1]


def _show(array):
    try:
        return np.array2string(np.asarray(array), precision=6, separator=", ")
    except Exception:  # noqa: BLE001  (whatever the reader returned, describe it, do not fail)
        return _describe(array)


def _describe(value):
    """A short description of any value, for a verdict: never raises."""
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001
        text = f"<a {type(value).__name__} whose repr fails>"
    return text if len(text) <= 60 else text[:57] + "..."


def _real_array(value):
    """``(array, None)`` for a real-valued array-like, else ``(None, what is wrong with it)``."""
    if value is None:
        return None, "None (is a return statement missing?)"
    try:
        array = np.asarray(value)
    except Exception as error:  # noqa: BLE001  (ragged lists, objects whose __array__ raises, ...)
        return None, f"{_describe(value)}, which is not an array ({type(error).__name__}: {error})"
    if array.dtype.kind not in "biuf":
        return None, f"{_describe(value)} of dtype {array.dtype}, not real numbers"
    return array.astype(float), None


def _call(function, name, inputs, values, call, t, optional=()):
    """``(outputs, None)`` from the reader's function, or ``(None, Verdict)`` saying why not.

    The hyperparameters in ``optional`` are at their defaults (dampening = 0, say), where
    the rule does not need them: a function that does not take them is called without.
    """
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        signature = None  # a builtin or other callable without one: just call it
    if signature is not None:
        parameters = signature.parameters
        if not any(p.kind is p.VAR_KEYWORD for p in parameters.values()):
            values = {key: value for key, value in values.items() if key in parameters or key not in optional}
        try:
            signature.bind(*inputs, t=t, **values)
        except TypeError as error:
            return None, Verdict(False, f"{name}: could not call {call}: {error}")
    try:
        got = function(*inputs, t=t, **values)
    except (Exception, SystemExit) as error:  # the reader's code failed: say so, do not crash
        return None, Verdict(False, f"{name}: your function raised {type(error).__name__} at step {t}: "
                                    f"{_describe(str(error))}", step=t)
    if isinstance(got, list):
        got = tuple(got)
    return (got if isinstance(got, tuple) else (got,)), None


def check(name, your_update, steps=6, **hyperparams):
    """Run ``your_update`` beside mlopt's rule for optimizer ``name``; return a `Verdict`.

    Whatever ``your_update`` does (raises, returns junk, None, NaN, wrong shapes or
    dtypes, changes its inputs) the verdict says so; mlopt's own run is made from
    its own arrays and is never affected.
    """
    if name not in OPTIMIZERS:
        raise ValueError(f"name must be one of {list(OPTIMIZERS)}; got {name!r}")
    if OPTIMIZERS[name]().acts_on == "vector":
        raise ValueError(f"check compares update rules (theta, g, buffers) step by step; mlopt.{name} takes a "
                         f"closure instead: compare your step with mlopt.{name}(...).step on the same closure")
    if not callable(your_update):
        return Verdict(False, f"{name}: the update to check must be a function; got {_describe(your_update)}")
    reference = importlib.import_module(f"mlopt.optimizers.{name}").update
    factory = OPTIMIZERS[name]
    # The rule's own settings: maximize belongs to the machinery, which flips g before any rule.
    values = {k: p.default for k, p in inspect.signature(factory).parameters.items() if k != "maximize"}
    values["lr"] = 0.1 if name != "adadelta" else 1.0
    values.update(hyperparams)
    # Settings left at their defaults, which the reader's function may leave out (lr never:
    # the check sets its own).
    optional = set(values) - {"lr"} - set(hyperparams)
    optimizer = factory(**values)
    buffers = optimizer.slot_names
    variables = ("theta", *buffers)
    arguments = ["theta", "g", *buffers, "t=...", *(f"{k}=..." for k in values)]
    call = f"{getattr(your_update, '__name__', 'your function')}({', '.join(arguments)})"

    theta, gradient = _problem(steps, matrix=optimizer.acts_on != "element")
    start = optimizer.init(theta).slots
    state = [start[b] for b in buffers]
    for t in range(1, steps + 1):
        g = gradient(theta, t)
        expected = reference(theta, g, *state, t=t, **values)
        inputs = [theta.copy(), g.copy(), *(b.copy() for b in state)]  # theirs to change
        got, failed = _call(your_update, name, inputs, dict(values), call, t, optional)
        if failed is not None:  # a Verdict, whose truth is whether it passed
            return failed
        if len(got) != len(variables):
            return Verdict(False, f"{name}: your function must return {len(variables)} values "
                                  f"({', '.join(variables)}); it returned {len(got)}", step=t)
        for variable, want, have in zip(variables, expected, got, strict=True):
            have, wrong = _real_array(have)
            if wrong:
                return Verdict(False, f"{name}: at step {t} your function returned, for {variable}, {wrong}",
                               step=t, variable=variable, expected=np.asarray(want))
            if have.shape != np.shape(want) or not np.allclose(have, want, rtol=RTOL, atol=ATOL):
                message = (f"{name}: differs at step {t} in {variable}:\n"
                           f"  expected {_show(want)}\n  got      {_show(have)}")
                if have.shape != np.shape(want):
                    message += f"\n  (shape {have.shape}, expected {np.shape(want)})"
                elif np.isfinite(have).all():  # how far off, when six digits look alike
                    with np.errstate(divide="ignore", invalid="ignore"):
                        relative = np.max(np.abs(have - want) / np.maximum(np.abs(want), ATOL))
                    message += f"\n  largest relative difference {relative:.1e} (the check allows {RTOL:.0e})"
                else:
                    message += "\n  (not finite: NaN or infinity)"
                return Verdict(False, message, step=t, variable=variable, expected=np.asarray(want), got=have)
        theta, *state = expected  # go on from the right values
    return Verdict(True, f"{name}: pass, your update matches mlopt.{name} for {steps} steps")
