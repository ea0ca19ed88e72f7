"""AdaMax (Kingma & Ba, 2015, Algorithm 2): Adam with the infinity norm.

Algorithm box (chapter "AdaMax")::

    given lr, beta1, beta2 in [0, 1), eps >= 0, weight_decay,
          theta_0, m_0 = 0, u_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        m_t     = beta1 * m_{t-1} + (1 - beta1) * g_t                 (1)
        u_t     = max(beta2 * u_{t-1}, |g_t| + eps)                   (2)
        theta_t = theta_{t-1} - lr / (1 - beta1^t) * m_t / u_t        (3)

Reference: torch.optim.Adamax(lr, betas=(beta1, beta2), eps=eps, weight_decay=...).

Conventions:

- Kingma & Ba have no eps. torch and optax add it *inside* the max, as in (2),
  which keeps u_t >= eps; Keras adds it to u_t outside the max.
- The bias correction in (3) is 1 - beta1^t. The source post divides by
  1 - beta1 instead: the same first step, then a step up to 10 times too
  large (by 1.9 at t = 2, 6.5 at t = 10), so it behaves like AdaMax at ten
  times the learning rate. It also adds eps to u outside the max.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, m, u, *, t, lr, beta1, beta2, eps, weight_decay):
    """One AdaMax step on one array; returns ``(theta, m, u)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    m = beta1 * m + (1 - beta1) * g  # (1) first moment
    u = np.maximum(beta2 * u, np.abs(g) + eps)  # (2) infinity norm, eps inside the max
    theta = theta - lr / (1 - beta1**t) * m / u  # (3) bias correction on m only
    return theta, m, u


def adamax(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, maximize=False):
    """AdaMax: Adam's step scaled by a decaying max of |g| instead of sqrt(v).

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.adamax(lr=0.1)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> theta.round(6)
        array([0.9])
    """
    return Optimizer(
        "adamax", update, maximize=maximize, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay
    )
