"""AdaGrad (Duchi, Hazan & Singer, 2011), diagonal version.

Algorithm box (chapter "AdaGrad")::

    given lr, eps >= 0, lr_decay >= 0, weight_decay, theta_0, G_0 = initial_accumulator_value
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        eta_t   = lr / (1 + (t - 1) * lr_decay)                       (0) (lr, unless lr_decay > 0)
        G_t     = G_{t-1} + g_t^2                                     (1)
        theta_t = theta_{t-1} - eta_t * g_t / (sqrt(G_t) + eps)       (2)

Reference: torch.optim.Adagrad(lr, lr_decay, weight_decay, initial_accumulator_value, eps).

Conventions:

- eps is added *outside* the square root, as in Duchi et al. (their delta)
  and torch. The source post writes ``g / sqrt(G + eps)``: for gradients
  smaller than about sqrt(eps) that caps the step at ``lr |g| / sqrt(eps)``.
- optax.adagrad starts G at 0.1 and adds eps inside the square root;
  Keras starts G at 0.1 too (initial_accumulator_value=0.1 here, torch's
  default being 0). Duchi et al. have neither G_0 nor lr_decay: AdaGrad's
  steps already shrink as G grows.
- torch starts every sum at its constructor's initial_accumulator_value (a
  param group's own value is ignored); here it may differ per leaf
  (mlopt.per_leaf) or along a grid, like any hyperparameter.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, G, *, t, lr, eps, lr_decay, initial_accumulator_value, weight_decay):
    """One AdaGrad step on one array; returns ``(theta, G)`` (G starts at initial_accumulator_value)."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    eta = lr / (1 + (t - 1) * lr_decay)  # (0)
    G = G + g**2  # (1) sum of squared gradients
    theta = theta - eta * g / (np.sqrt(G) + eps)  # (2) eps outside the sqrt
    return theta, G


def adagrad(lr=1e-2, eps=1e-10, lr_decay=0.0, initial_accumulator_value=0.0, weight_decay=0.0, maximize=False):
    """AdaGrad: ``G <- G + g^2; theta <- theta - lr g / (sqrt(G) + eps)``.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.adagrad(lr=0.5)
        >>> theta = np.array([1.0, 100.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> theta          # the first step is lr * sign(g) in every coordinate
        array([ 0.5, 99.5])
    """
    return Optimizer("adagrad", update, maximize=maximize, initial={"G": "initial_accumulator_value"}, lr=lr, eps=eps,
                     lr_decay=lr_decay, initial_accumulator_value=initial_accumulator_value, weight_decay=weight_decay)
