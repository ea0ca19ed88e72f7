"""Hyperparameter settings shared by the tests: defaults and a non-default set."""

import numpy as np

NON_DEFAULT = {
    "gd": dict(lr=0.05, weight_decay=0.1),
    "momentum": dict(lr=0.02, beta=0.8, weight_decay=0.05),
    "nesterov": dict(lr=0.02, beta=0.7, weight_decay=0.05),
    "adagrad": dict(lr=0.3, eps=1e-6, weight_decay=0.02),
    "rmsprop": dict(lr=0.01, beta=0.9, eps=1e-6, weight_decay=0.03),
    "adadelta": dict(lr=0.7, rho=0.95, eps=1e-5, weight_decay=0.01),
    "adam": dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1),
    "adamax": dict(lr=0.05, beta1=0.85, beta2=0.98, eps=1e-6, weight_decay=0.1),
    "adamw": dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.3),
    "amsgrad": dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1),
    "nadam": dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, momentum_decay=0.01, weight_decay=0.1),
    "radam": dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1),
    "lion": dict(lr=0.01, beta1=0.8, beta2=0.95, weight_decay=0.5),
}

SETTINGS = [(name, {}) for name in NON_DEFAULT] + [
    (name, hp) for name, hp in NON_DEFAULT.items()
]
SETTING_IDS = [f"{name}-{'nondefault' if hp else 'default'}" for name, hp in SETTINGS]


def gradient(theta, t):
    """A gradient that depends on theta and on the step: a noisy quadratic bowl.

    Deterministic in (theta, t), with entries of both signs and several scales.
    """
    noise = np.random.default_rng(t).normal(size=np.shape(theta))
    scales = 10.0 ** np.linspace(-2, 1, max(np.size(theta), 1)).reshape(np.shape(theta) or ())
    return scales * theta + noise


def assert_close(actual, expected, what, rtol=1e-12):
    """Elementwise |a - e| <= rtol * max(|e|, tiny scale of the whole array)."""
    actual, expected = np.asarray(actual, dtype=float), np.asarray(expected, dtype=float)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape} != {expected.shape}"
    floor = np.max(np.abs(expected), initial=0.0) * 1e-3
    bound = rtol * np.maximum(np.abs(expected), floor)
    error = np.abs(actual - expected)
    bad = ~(error <= bound)
    assert not bad.any(), (
        f"{what}: first difference at {np.argwhere(bad)[0].tolist()}: "
        f"{actual[bad][0]!r} vs {expected[bad][0]!r}"
    )
