"""The real-data models: backprop against finite differences, training against
scikit-learn's MLPClassifier."""

import warnings

import numpy as np
import pytest

import mlopt
from mlopt import models

pytest.importorskip("sklearn")


@pytest.fixture(scope="module")
def data():
    return models.digits()


@pytest.mark.parametrize("make", [models.softmax_regression, models.mlp])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_backprop_matches_finite_differences(data, make, l2):
    params = make(seed=1)
    X, y = data.X_train[:20], data.y_train[:20]
    _, grads = models.loss_and_grad(params, X, y, l2)
    rng = np.random.default_rng(0)
    for key, value in params.items():
        for index in [tuple(rng.integers(s) for s in value.shape) for _ in range(6)]:
            h = 1e-6
            plus, minus = {k: v.copy() for k, v in params.items()}, {k: v.copy() for k, v in params.items()}
            plus[key][index] += h
            minus[key][index] -= h
            numeric = (models.loss_and_grad(plus, X, y, l2)[0] - models.loss_and_grad(minus, X, y, l2)[0]) / (2 * h)
            assert grads[key][index] == pytest.approx(numeric, rel=1e-5, abs=1e-8), (key, index)


def test_the_split_is_fixed_and_disjoint(data):
    again = models.digits()
    assert np.array_equal(data.X_train, again.X_train) and len(data.y_test) == 449
    assert data.X_train.shape == (1348, 64) and data.X_train.max() <= 1.0


def test_training_is_repeatable_and_learns(data):
    _, first = models.train(mlopt.adam(lr=1e-3), models.mlp(), data, epochs=3)
    _, second = models.train(mlopt.adam(lr=1e-3), models.mlp(), data, epochs=3)
    assert first == second
    assert first.train_loss[-1] < first.train_loss[0] and first.test_accuracy[-1] > 0.5  # chance: 0.1


SETTINGS = dict(hidden=32, l2=1e-4, batch_size=32, epochs=30)
SEEDS = (0, 1, 2)  # both sides averaged over three initialisations and batch orders


def sklearn_accuracy(data, seed, **solver):
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=(SETTINGS["hidden"],), activation="relu", alpha=SETTINGS["l2"],
        batch_size=SETTINGS["batch_size"], max_iter=SETTINGS["epochs"], shuffle=True,
        random_state=seed, tol=0.0, n_iter_no_change=SETTINGS["epochs"] + 1, **solver,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(data.X_train, data.y_train)
    return clf.score(data.X_test, data.y_test)


@pytest.mark.parametrize(
    "ours,solver",
    [
        (lambda: mlopt.adam(lr=1e-3), dict(solver="adam", learning_rate_init=1e-3)),
        (lambda: mlopt.momentum(lr=0.05, beta=0.9),
         dict(solver="sgd", learning_rate_init=0.05, momentum=0.9, nesterovs_momentum=False)),
        (lambda: mlopt.nesterov(lr=0.05, beta=0.9),
         dict(solver="sgd", learning_rate_init=0.05, momentum=0.9, nesterovs_momentum=True)),
    ],
    ids=["adam", "momentum", "nesterov"],
)
def test_our_mlp_matches_sklearns_within_2_points(data, ours, solver):
    mine = np.mean([
        models.train(ours(), models.mlp(n_hidden=SETTINGS["hidden"], seed=seed), data,
                     epochs=SETTINGS["epochs"], batch_size=SETTINGS["batch_size"],
                     l2=SETTINGS["l2"], seed=seed)[1].test_accuracy[-1]
        for seed in SEEDS
    ])
    theirs = np.mean([sklearn_accuracy(data, seed, **solver) for seed in SEEDS])
    assert abs(mine - theirs) <= 0.02, (mine, theirs)
