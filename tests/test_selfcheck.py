"""The self-check: a right rule passes; a wrong one is located; a broken one is reported."""

import importlib
import warnings

import numpy as np
import pytest
from cases import CLOSURE, GRADIENT
from hypothesis import given, settings
from hypothesis import strategies as st

from mlopt.selfcheck import Verdict, check


@pytest.mark.parametrize("name", GRADIENT)
def test_mlopts_own_rules_pass(name):
    verdict = check(name, importlib.import_module(f"mlopt.optimizers.{name}").update)
    assert verdict.passed and str(verdict).endswith("for 6 steps")


def test_a_missing_bias_correction_is_located():
    def adam_without_v_correction(theta, g, m, v, *, t, lr, beta1, beta2, eps, weight_decay):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        m_hat = m / (1 - beta1**t)
        return theta - lr * m_hat / (np.sqrt(v) + eps), m, v

    verdict = check("adam", adam_without_v_correction)
    assert not verdict.passed and verdict.step == 1 and verdict.variable == "theta"
    assert "differs at step 1 in theta" in repr(verdict) and "expected" in repr(verdict)


def test_the_source_posts_adamax_is_located_at_step_2():
    def source_adamax(theta, g, m, u, *, t, lr, beta1, beta2, eps, weight_decay):
        m = beta1 * m + (1 - beta1) * g
        u = np.maximum(beta2 * u, np.abs(g))
        return theta - lr / (1 - beta1) * m / (u + eps), m, u

    verdict = check("adamax", source_adamax, eps=0.0)
    assert (verdict.step, verdict.variable) == (2, "theta")


def test_a_wrong_buffer_is_named():
    def momentum_with_dampening(theta, g, v, *, t, lr, beta, weight_decay):
        v = beta * v + (1 - beta) * g
        return theta - lr * v, v

    verdict = check("momentum", momentum_with_dampening)
    assert verdict.step == 1 and verdict.variable == "theta"
    def doubled_g_in_v(theta, g, v, *, t, lr, beta, weight_decay):
        return theta - lr * (beta * v + g), beta * v + 2 * g

    verdict = check("momentum", doubled_g_in_v)
    assert verdict.variable == "v"


def test_a_setting_left_at_its_default_may_be_left_out():
    """A reader's momentum without dampening is right while dampening is 0 (the default), and
    cannot be called once the check sets it: the verdict names the argument."""
    def plain_momentum(theta, g, v, *, t, lr, beta, weight_decay):
        v = beta * v + g
        return theta - lr * v, v

    assert check("momentum", plain_momentum).passed
    verdict = check("momentum", plain_momentum, dampening=0.5)
    assert not verdict.passed and "could not call" in verdict.message and "dampening" in verdict.message


def test_broken_functions_are_reported_not_raised():
    assert "could not call" in repr(check("gd", lambda theta, g: theta))
    assert "raised ZeroDivisionError at step 1" in repr(check("gd", lambda theta, g, **kw: 1 / 0))
    assert "must return 2 values (theta, v); it returned 1" in repr(
        check("momentum", lambda theta, g, v, **kw: theta))
    with pytest.raises(ValueError, match="name must be one of"):
        check("sgd", lambda *a, **k: None)


def test_any_hyperparameter_can_be_set_including_lr():
    def adadelta_with_lr_inside(theta, g, Eg2, Edx2, *, t, lr, rho, eps, weight_decay):
        Eg2 = rho * Eg2 + (1 - rho) * g**2
        dx = -lr * np.sqrt(Edx2 + eps) / np.sqrt(Eg2 + eps) * g
        Edx2 = rho * Edx2 + (1 - rho) * dx**2
        return theta + dx, Eg2, Edx2

    assert check("adadelta", adadelta_with_lr_inside).passed  # lr = 1: no difference
    verdict = check("adadelta", adadelta_with_lr_inside, lr=0.5)
    assert (verdict.step, verdict.variable) == (1, "Edx2")


def right_update(name):
    return importlib.import_module(f"mlopt.optimizers.{name}").update


class Unconvertible:
    def __array__(self, *args, **kwargs):
        raise RuntimeError("no array here")


def junk():
    """Values a reader's function might return in place of an array."""
    return st.sampled_from([
        None, "theta", b"bytes", 3 + 4j, object(), Unconvertible(), {"theta": 1.0}, [[1.0], [1.0, 2.0]],
        np.array(["a", "b"]), np.array([1 + 1j] * 5), np.array([None] * 5), np.full(5, np.nan),
        np.full(5, np.inf), np.zeros(4), np.zeros((5, 1)), np.float64(1.0), np.zeros(5, dtype=bool),
    ])


@st.composite
def hostile(draw, name):
    """A function that misbehaves in one of many ways, after doing the right thing or not."""
    behaviour = draw(st.sampled_from(["junk", "raise", "count", "mutate", "shape", "dtype", "late"]))
    position = draw(st.integers(0, 4))
    value = draw(junk())
    error = draw(st.sampled_from([ValueError("bad"), TypeError("an argument is wrong"), ZeroDivisionError(),
                                  KeyError("m"), RecursionError(), SystemExit(3), FloatingPointError()]))
    late = draw(st.integers(1, 6))
    rule = right_update(name)

    def update(theta, g, *buffers, t, **hyperparams):
        if behaviour == "late" and t < late:
            return rule(theta, g, *buffers, t=t, **hyperparams)
        if behaviour == "raise" or (behaviour == "late" and position % 2):
            raise error
        out = list(rule(theta, g, *buffers, t=t, **hyperparams))
        if behaviour == "mutate":  # scribble over every input, then return the right values
            for array in (theta, g, *buffers):
                array[...] = np.nan
            return tuple(out)
        if behaviour == "count":
            return tuple(out[: position % len(out)]) if position % 2 else tuple(out) + (value,)
        # One of the outputs that hold numbers: an empty buffer (Adafactor's variance, for a
        # matrix) has nothing to get wrong.
        sized = [i for i, o in enumerate(out) if np.size(o)]
        index = sized[position % len(sized)]
        out[index] = {"junk": value, "late": value, "shape": np.atleast_1d(out[index])[:-1],
                      "dtype": np.asarray(out[index]).astype(np.float16)}[behaviour]
        return tuple(out)

    update.behaviour = behaviour
    return update


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(GRADIENT), st.data())
def test_no_function_makes_the_check_crash(name, data):
    """Hostile functions get a verdict that names what went wrong, and mlopt's own run
    is untouched: the right rule still passes afterwards, with the same message."""
    function = data.draw(hostile(name))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a reader's float16 or NaN may warn; that is theirs
        verdict = check(name, function)
    assert isinstance(verdict, Verdict) and verdict.message.startswith(f"{name}: ")
    if function.behaviour == "mutate":  # their copies only: the check goes on from its own values
        assert verdict.passed, verdict.message
    else:
        assert not verdict.passed, verdict.message
        assert verdict.step is not None or "could not call" in verdict.message
    again = check(name, right_update(name))
    assert again.passed and again.message == f"{name}: pass, your update matches mlopt.{name} for 6 steps"


def test_what_went_wrong_is_said():
    def returns(value):
        return lambda theta, g, v, *, t, lr, beta, weight_decay: (value, v)

    assert "returned, for theta, None (is a return statement missing?)" in check("momentum", returns(None)).message
    assert "'theta' of dtype <U5, not real numbers" in check("momentum", returns("theta")).message
    assert "which is not an array" in check("momentum", returns([[1.0], [1.0, 2.0]])).message
    assert "(shape (4,), expected (5,))" in check("momentum", returns(np.zeros(4))).message
    assert "(not finite: NaN or infinity)" in check("momentum", returns(np.full(5, np.nan))).message
    assert "must be a function; got 3" in check("momentum", 3).message


@pytest.mark.parametrize("name", CLOSURE)
def test_a_closure_optimizer_is_refused_with_a_pointer(name):
    """Newton and L-BFGS have no update rule to compare; the message says what to do instead."""
    with pytest.raises(ValueError, match=f"mlopt.{name} takes a closure"):
        check(name, lambda theta, g, t, lr: theta)
