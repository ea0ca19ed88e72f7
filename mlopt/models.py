"""Two small classifiers in numpy, with hand-written backpropagation: the real-data chapter.

Parameters are dicts of arrays (``{"W": ..., "b": ...}``, or ``W1, b1, W2, b2``
for the multi-layer perceptron), so every `mlopt` optimizer trains them through
its tree support. The data are scikit-learn's bundled handwritten digits
(``load_digits``: 1797 images of 8 x 8 pixels, nothing downloaded).

The L2 penalty follows scikit-learn's MLPClassifier, ``alpha / 2 * sum(W**2) /
batch size`` (weights, not biases), so the two can be compared like for like.
"""

from typing import NamedTuple

import numpy as np


class Data(NamedTuple):
    X_train: np.ndarray  # (n, 64), pixel values scaled to [0, 1]
    y_train: np.ndarray  # (n,) labels 0..9
    X_test: np.ndarray
    y_test: np.ndarray


def digits(test_fraction=0.25, seed=0):
    """The digits, scaled to [0, 1], split once into train and test with a fixed seed."""
    from sklearn.datasets import load_digits  # a book dependency, not one of mlopt's

    data = load_digits()
    X, y = data.data / 16.0, data.target
    order = np.random.default_rng(seed).permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    return Data(X[train], y[train], X[test], y[test])


def _glorot(rng, fan_in, fan_out):
    bound = np.sqrt(6.0 / (fan_in + fan_out))  # as scikit-learn's MLP initialises
    return rng.uniform(-bound, bound, (fan_in, fan_out))


def softmax_regression(n_in=64, n_classes=10, seed=0):
    """Parameters of a linear softmax classifier."""
    rng = np.random.default_rng(seed)
    return {"W": _glorot(rng, n_in, n_classes), "b": np.zeros(n_classes)}


def mlp(n_in=64, n_hidden=32, n_classes=10, seed=0):
    """Parameters of a one-hidden-layer perceptron with ReLU."""
    rng = np.random.default_rng(seed)
    return {
        "W1": _glorot(rng, n_in, n_hidden), "b1": np.zeros(n_hidden),
        "W2": _glorot(rng, n_hidden, n_classes), "b2": np.zeros(n_classes),
    }


def _softmax_cross_entropy(logits, y):
    """Mean cross-entropy and its gradient with respect to the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    n = len(y)
    loss = -log_p[np.arange(n), y].mean()
    d_logits = np.exp(log_p)
    d_logits[np.arange(n), y] -= 1.0
    return loss, d_logits / n


def predict_logits(params, X):
    if "W1" in params:
        hidden = np.maximum(X @ params["W1"] + params["b1"], 0.0)
        return hidden @ params["W2"] + params["b2"]
    return X @ params["W"] + params["b"]


def loss_and_grad(params, X, y, l2=0.0):
    """Cross-entropy (plus scikit-learn's L2 term) and its gradient, a dict like params."""
    n = len(y)
    weights = [k for k in params if k.startswith("W")]
    penalty = 0.5 * l2 * sum(np.sum(params[k] ** 2) for k in weights) / n
    if "W1" in params:
        pre = X @ params["W1"] + params["b1"]
        hidden = np.maximum(pre, 0.0)
        loss, d_logits = _softmax_cross_entropy(hidden @ params["W2"] + params["b2"], y)
        d_hidden = (d_logits @ params["W2"].T) * (pre > 0)
        grads = {
            "W1": X.T @ d_hidden, "b1": d_hidden.sum(axis=0),
            "W2": hidden.T @ d_logits, "b2": d_logits.sum(axis=0),
        }
    else:
        loss, d_logits = _softmax_cross_entropy(X @ params["W"] + params["b"], y)
        grads = {"W": X.T @ d_logits, "b": d_logits.sum(axis=0)}
    for k in weights:
        grads[k] = grads[k] + l2 * params[k] / n
    return loss + penalty, grads


def accuracy(params, X, y):
    return float(np.mean(predict_logits(params, X).argmax(axis=1) == y))


class History(NamedTuple):
    train_loss: list  # mean training loss over each epoch's mini-batches
    test_accuracy: list  # after each epoch


def train(opt, params, data, epochs=20, batch_size=32, l2=1e-4, seed=0):
    """Mini-batch training: each epoch visits the training set in an order drawn from a
    generator seeded with ``seed``, so a run is repeatable. Returns (params, History); the test
    accuracy is taken at ``opt.evaluated(params, state)`` (ASGD's and Schedule-Free's average)."""
    if not hasattr(opt, "update"):
        raise TypeError(f"models.train steps on mini-batch gradients; mlopt.{opt.name} takes a closure: call "
                        "its step with models.loss_and_grad over the whole training set (see the real-data chapter)")
    rng = np.random.default_rng(seed)
    state = opt.init(params)
    history = History([], [])
    n = len(data.y_train)
    for _ in range(epochs):
        order = rng.permutation(n)
        losses = []
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss, grads = loss_and_grad(params, data.X_train[batch], data.y_train[batch], l2)
            params, state = opt.update(grads, state, params)
            losses.append(loss)
        history.train_loss.append(float(np.mean(losses)))
        # At the point the optimizer says to evaluate (ASGD's and Schedule-Free's average).
        history.test_accuracy.append(accuracy(opt.evaluated(params, state), data.X_test, data.y_test))
    return params, history
