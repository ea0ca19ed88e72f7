"""Adafactor (Shazeer & Stern, 2018, "Adafactor: Adaptive Learning Rates with
Sublinear Memory Cost", Algorithms 4 and 5), in torch's form.

Algorithm box (chapter "Matrices: Adafactor and Muon"), for a matrix Theta (m x n)::

    given lr, beta2_decay (tau <= 0), eps1, eps2, d >= 1, weight_decay, R_0 = 0 (m x 1), C_0 = 0 (1 x n)
    for t = 1, 2, ...
        G_t     = grad J(Theta_{t-1})
        w_t     = t^tau                                        (1) weight of the new G^2 (1 at t = 1)
        rho_t   = min(lr, 1 / sqrt(t))                         (2) relative step size
        alpha_t = max(eps2, RMS(Theta_{t-1})) rho_t            (3) step size: relative to Theta's scale
        Theta'  = (1 - lr weight_decay) Theta_{t-1}            (4) decoupled weight decay
        R_t     = (1 - w_t) R_{t-1} + w_t mean_cols(G_t^2)     (5) one number per row
        C_t     = (1 - w_t) C_{t-1} + w_t mean_rows(G_t^2)     (6) one number per column
        V_t     = R_t C_t / max(mean(R_t), eps1)               (7) rank 1: the estimate of G^2
        U_t     = G_t / sqrt(max(V_t, eps1^2))                 (8)
        Theta_t = Theta' - alpha_t U_t / max(1, RMS(U_t) / d)  (9) update clipping

A vector (or a scalar) is not factored: V_t = (1 - w_t) V_{t-1} + w_t G_t^2 takes
the place of (5)-(7). RMS is the root mean square over the matrix (or the vector).

Reference: torch.optim.Adafactor(lr, beta2_decay, eps=(eps1, eps2), d, weight_decay);
R_t, C_t and the vector's V_t are its state row_var, col_var and variance.

Conventions:

- Memory: m + n numbers for an m x n matrix, where Adam keeps 2 m n.
- Shazeer & Stern take rho_t = min(0.01, 1 / sqrt(t)) with no lr at all, add
  eps1 to G^2 inside (5) and (6), and sum where torch averages. torch's lr
  replaces 0.01 and scales the weight decay; its eps1 (None: the dtype's
  machine epsilon) floors V_t and mean(R_t) instead. This module follows torch.
- No first moment: the paper's beta1 = 0 setting, torch's only one.
- The axes before the last two are a batch: each matrix has its own RMS in
  (3) and (9) (torch, on a 3-D tensor, takes one RMS over all of it).
"""

import numpy as np

from ..core import Optimizer


def _mean(x, axis=None, keepdims=False):
    """np.mean (the same sum, the same division), quiet about an empty axis (0 rows, say)."""
    count = x.size if axis is None else np.prod([x.shape[a] for a in np.atleast_1d(axis)])
    return np.sum(x, axis=axis, keepdims=keepdims) / max(count, 1)


def _rms(x):
    """Root mean square over each matrix (the last two axes), or over a whole vector."""
    axes = (-2, -1) if x.ndim >= 2 else None
    return np.sqrt(_mean(x * x, axis=axes, keepdims=x.ndim >= 2))


def _shapes(shape):
    """The shapes of (row_var, col_var, variance) for a leaf of ``shape``; () or (0,) where unused."""
    if len(shape) >= 2:
        return (*shape[:-1], 1), (*shape[:-2], 1, shape[-1]), (0,)
    return (0,), (0,), shape


def update(theta, g, row_var, col_var, variance, *, t, lr, beta2_decay, eps2, d, weight_decay, eps1):
    """One Adafactor step on one leaf; returns ``(theta, row_var, col_var, variance)``."""
    eps1 = np.finfo(theta.dtype).eps if eps1 is None else eps1
    w = t**beta2_decay  # (1)
    rho = np.minimum(lr, 1 / np.sqrt(t))  # (2)
    alpha = np.maximum(eps2, _rms(theta)) * rho  # (3)
    if np.any(weight_decay):
        theta = theta * (1 - lr * weight_decay)  # (4)
    if theta.ndim >= 2:
        row_var = (1 - w) * row_var + w * _mean(g * g, axis=-1, keepdims=True)  # (5)
        col_var = (1 - w) * col_var + w * _mean(g * g, axis=-2, keepdims=True)  # (6)
        v = row_var @ col_var / np.maximum(_mean(row_var, axis=-2, keepdims=True), eps1)  # (7)
    else:  # a vector: unfactored
        variance = (1 - w) * variance + w * g * g
        v = variance
    u = g / np.sqrt(np.maximum(v, eps1 * eps1))  # (8)
    theta = theta - alpha / np.maximum(1, _rms(u) / d) * u  # (9)
    return theta, row_var, col_var, variance


def adafactor(lr=1e-2, beta2_decay=-0.8, eps1=None, eps2=1e-3, d=1.0, weight_decay=0.0, maximize=False):
    """Adafactor: RMSProp-like steps from a rank-1 (row times column) estimate of g^2.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.adafactor(lr=0.01)
        >>> W = np.ones((3, 4)); state = opt.init(W)
        >>> [state.slots[s].shape for s in ("row_var", "col_var", "variance")]   # 3 + 4 numbers, not 12
        [(3, 1), (1, 4), (0,)]
        >>> W, state = opt.update(np.arange(12.0).reshape(3, 4), state, W)
    """
    shapes = {slot: (lambda shape, i=i: _shapes(shape)[i]) for i, slot in enumerate(("row_var", "col_var",
                                                                                         "variance"))}
    return Optimizer("adafactor", update, maximize=maximize, acts_on="leaf", slot_shapes=shapes,
                     options=dict(eps1=eps1),
                     lr=lr, beta2_decay=beta2_decay, eps2=eps2, d=d, weight_decay=weight_decay)
