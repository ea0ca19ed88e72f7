"""AdaDelta (Zeiler, 2012, Algorithm 1).

Algorithm box (chapter "AdaDelta")::

    given lr (1 in the paper), rho in [0, 1), eps >= 0, weight_decay,
          theta_0, Eg2_0 = 0, Edx2_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}        (wd, if weight_decay != 0)
        Eg2_t   = rho * Eg2_{t-1} + (1 - rho) * g_t^2                     (1)
        dx_t    = -sqrt(Edx2_{t-1} + eps) / sqrt(Eg2_t + eps) * g_t       (2)
        Edx2_t  = rho * Edx2_{t-1} + (1 - rho) * dx_t^2                   (3)
        theta_t = theta_{t-1} + lr * dx_t                                 (4)

Reference: torch.optim.Adadelta(lr, rho=rho, eps=eps, weight_decay=...).

Conventions:

- Zeiler has no learning rate (lr = 1). torch's lr scales only the step
  applied in (4); the accumulated squared update (3) uses the unscaled dx_t.
  optax.adadelta does the same.
- Equation (3) accumulates the *square* of the update. The source post
  accumulates the signed update, so ``Edx2 + eps`` turns negative after one
  step wherever the first gradient was positive, and (2) takes the square
  root of a negative number: NaN from step 2 on.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, Eg2, Edx2, *, t, lr, rho, eps, weight_decay):
    """One AdaDelta step on one array; returns ``(theta, Eg2, Edx2)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    Eg2 = rho * Eg2 + (1 - rho) * g**2  # (1) running mean of g^2
    dx = -np.sqrt(Edx2 + eps) / np.sqrt(Eg2 + eps) * g  # (2) RMS[dx]_{t-1} / RMS[g]_t
    Edx2 = rho * Edx2 + (1 - rho) * dx**2  # (3) running mean of dx^2
    theta = theta + lr * dx  # (4) lr scales the applied step only
    return theta, Eg2, Edx2


def adadelta(lr=1.0, rho=0.9, eps=1e-6, weight_decay=0.0, maximize=False):
    """AdaDelta: a step sized by the ratio RMS[dx] / RMS[g] of running averages.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.adadelta()
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> round(float(1 - theta[0]), 7)   # first step: about sqrt(eps / (1 - rho))
        0.0031623
    """
    return Optimizer("adadelta", update, maximize=maximize, lr=lr, rho=rho, eps=eps, weight_decay=weight_decay)
