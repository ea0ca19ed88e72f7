"""Muon (Jordan et al., 2024, "Muon: An optimizer for hidden layers in neural
networks", blog post and code), with the learning-rate scalings of Jordan's code
and of Liu et al. (2025, "Muon is Scalable for LLM Training"), in torch's form.

Algorithm box (chapter "Matrices: Adafactor and Muon"), for a matrix Theta (m x n)::

    given lr, momentum mu in [0, 1), nesterov, weight_decay, (a, b, c), ns_steps, eps, B_0 = 0
    for t = 1, 2, ...
        G_t     = grad J(Theta_{t-1})
        B_t     = mu B_{t-1} + (1 - mu) G_t                      (1) momentum: an average of G
        M_t     = (1 - mu) G_t + mu B_t  if nesterov, else B_t   (2) the look-ahead
        X       = M_t / max(||M_t||_F, eps)                      (3) every singular value <= 1
        X       = a X + b (X X^T) X + c (X X^T)^2 X, ns_steps times  (4) Newton-Schulz: each towards 1
        Theta'  = (1 - lr weight_decay) Theta_{t-1}              (5) decoupled weight decay
        Theta_t = Theta' - lr s(m, n) X                          (6) s: the shape's lr scaling

(4) works on the wide orientation: a tall M_t (m > n) is transposed first and X
back after. s(m, n) = sqrt(max(1, m / n)) (``adjust_lr_fn`` None or "original",
Jordan's) or 0.2 sqrt(max(m, n)) ("match_rms_adamw", Liu et al.'s, which makes
the update's RMS about AdamW's, so that AdamW's lr and weight decay carry over).

Reference: torch.optim.Muon(lr, weight_decay, momentum, nesterov, ns_coefficients,
eps, ns_steps, adjust_lr_fn).

Conventions:

- If M_t = U S V^T, exact orthogonalisation would give U V^T: every direction
  of the update the same length. The quintic (a, b, c) = (3.4445, -4.7750,
  2.0315) is chosen to push small singular values up fast: after five steps
  each singular value from 0.05 to 1 is between 0.68 and 1.13 rather than at 1
  (smaller ones overshoot, up to 1.2).
- torch runs (3)-(4) in bfloat16 whatever the parameters' dtype (about three
  significant digits); this module runs them in the parameters' dtype. The
  chapter measures the difference.
- torch's buffer is an average (lerp by 1 - mu), Jordan's blog a sum
  (B = mu B + G); after (3) the scale cancels, and only eps sees it.
- The axes before the last two are a batch: each matrix is orthogonalised
  and scaled on its own (torch takes 2-D parameters only). Vectors and scalars
  are refused: give them to another optimizer with mlopt.Partition, as Muon's
  authors do (AdamW for embeddings, biases, gains and the output layer).
"""

import numpy as np

from ..core import Optimizer

NS_COEFFICIENTS = (3.4445, -4.7750, 2.0315)  # Jordan's quintic


def orthogonalise(M, ns_coefficients, ns_steps, eps):
    """Equations (3)-(4): Newton-Schulz on the last two axes, towards U V^T where M = U S V^T."""
    a, b, c = ns_coefficients
    tall = M.shape[-2] > M.shape[-1]
    X = np.swapaxes(M, -1, -2) if tall else M
    X = X / np.maximum(np.linalg.norm(X, axis=(-2, -1), keepdims=True), eps)  # (3)
    for _ in range(ns_steps):
        A = X @ np.swapaxes(X, -1, -2)
        X = a * X + (b * A + c * A @ A) @ X  # (4)
    return np.swapaxes(X, -1, -2) if tall else X


def lr_scale(adjust_lr_fn, shape):
    """s(m, n) of equation (6), for a matrix of ``shape`` (..., m, n)."""
    m, n = shape[-2:]
    if adjust_lr_fn == "match_rms_adamw":
        return 0.2 * np.sqrt(max(m, n))
    return np.sqrt(max(1, m / n))  # "original", and torch's default (None)


def update(theta, g, b, *, t, lr, momentum, weight_decay, eps, nesterov, ns_coefficients, ns_steps, adjust_lr_fn):
    """One Muon step on a matrix (or a batch of them); returns ``(theta, b)``."""
    b = b + (1 - momentum) * (g - b)  # (1)
    m = g + momentum * (b - g) if nesterov else b  # (2)
    x = orthogonalise(m, ns_coefficients, ns_steps, eps)  # (3)-(4)
    theta = theta * (1 - lr * weight_decay)  # (5)
    theta = theta - lr * lr_scale(adjust_lr_fn, theta.shape) * x  # (6)
    return theta, b


def muon(lr=1e-3, weight_decay=0.1, momentum=0.95, nesterov=True, ns_coefficients=NS_COEFFICIENTS, eps=1e-7,
         ns_steps=5, adjust_lr_fn=None, maximize=False):
    """Muon: momentum whose every matrix update is orthogonalised (its singular values set near 1).

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.muon(lr=0.1, weight_decay=0.0, ns_steps=20, ns_coefficients=(1.5, -0.5, 0.0))
        >>> W = np.zeros((2, 2)); state = opt.init(W)
        >>> W, state = opt.update(np.diag([10.0, 0.1]), state, W)  # a gradient's singular values: 10, 0.1
        >>> np.round(np.linalg.svd(W, compute_uv=False), 6)  # the step's: both lr (both 1, times lr)
        array([0.1, 0.1])
    """
    return Optimizer("muon", update, maximize=maximize, acts_on="matrix",
                     options=dict(nesterov=nesterov, ns_coefficients=tuple(ns_coefficients), ns_steps=ns_steps,
                                  adjust_lr_fn=adjust_lr_fn),
                     lr=lr, momentum=momentum, weight_decay=weight_decay, eps=eps)
