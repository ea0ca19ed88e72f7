"""Hyperparameter settings shared by the tests: defaults and a non-default set (from each
optimizer's record in mlopt/records.py)."""

import numpy as np

from mlopt.records import RECORDS

NON_DEFAULT = {name: record.non_default for name, record in RECORDS.items()}

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
