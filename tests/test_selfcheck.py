"""The self-check: a right rule passes; a wrong one is located; a broken one is reported."""

import importlib

import numpy as np
import pytest

import mlopt
from mlopt.selfcheck import check


@pytest.mark.parametrize("name", list(mlopt.OPTIMIZERS))
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
    verdict = check("momentum", lambda theta, g, v, *, t, lr, beta, weight_decay: (theta - lr * (beta * v + g), beta * v + 2 * g))
    assert verdict.variable == "v"


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
