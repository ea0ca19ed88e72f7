"""NAdam (Dozat, 2016): Adam with Nesterov momentum, in torch's form.

Algorithm box (chapter "NAdam")::

    given lr, beta1, beta2 in [0, 1), eps >= 0, momentum_decay psi >= 0, weight_decay,
          theta_0, m_0 = 0, v_0 = 0, mu_product_0 = 1
    for t = 1, 2, ...
        g_t          = grad J(theta_{t-1}) + weight_decay * theta_{t-1}  (wd, if weight_decay != 0)
        mu_t         = beta1 * (1 - 0.5 * 0.96^(t psi))                  (1)
        mu_{t+1}     = beta1 * (1 - 0.5 * 0.96^((t + 1) psi))            (2)
        mu_product_t = mu_product_{t-1} * mu_t                           (3)
        m_t          = beta1 * m_{t-1} + (1 - beta1) * g_t               (4)
        v_t          = beta2 * v_{t-1} + (1 - beta2) * g_t^2             (5)
        d_t          = sqrt(v_t / (1 - beta2^t)) + eps                   (6)
        theta_t      = theta_{t-1}
                       - lr * (1 - mu_t) / (1 - mu_product_t) * g_t / d_t
                       - lr * mu_{t+1} / (1 - mu_product_t * mu_{t+1}) * m_t / d_t   (7)

Reference: torch.optim.NAdam(lr, betas=(beta1, beta2), eps=eps,
momentum_decay=..., weight_decay=...).

Conventions:

- (7) is Nesterov's look-ahead applied to Adam: the step uses the momentum of
  the *next* step, mu_{t+1} m_t, plus the current gradient's share, each
  bias-corrected by the product of the mu's it has been through.
- mu_t warms up from beta1/2 towards beta1 (Dozat's schedule, with psi = 4e-3
  as in the paper and torch). At psi = 0, mu_t = beta1/2 throughout.
- Dozat's m_t averages with mu_t; torch (and this module) with beta1. optax's
  nadam has no mu schedule at all (it is psi -> infinity, mu_t = beta1).
- mu_product is kept in the state, as torch does, one value per parameter
  element here, so that a grid of beta1 values runs in one call.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, m, v, mu_product, *, t, lr, beta1, beta2, eps, momentum_decay, weight_decay):
    """One NAdam step on one array; returns ``(theta, m, v, mu_product)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))  # (1) momentum schedule
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))  # (2) one step ahead
    mu_product = mu_product * mu  # (3)
    m = beta1 * m + (1 - beta1) * g  # (4) first moment
    v = beta2 * v + (1 - beta2) * g**2  # (5) second moment
    d = np.sqrt(v / (1 - beta2**t)) + eps  # (6) Adam's denominator
    theta = (
        theta
        - lr * (1 - mu) / (1 - mu_product) * g / d  # (7) the gradient's share
        - lr * mu_next / (1 - mu_product * mu_next) * m / d  # (7) look-ahead momentum
    )
    return theta, m, v, mu_product


def nadam(lr=2e-3, beta1=0.9, beta2=0.999, eps=1e-8, momentum_decay=4e-3, weight_decay=0.0, maximize=False):
    """NAdam: Adam whose momentum step looks one step ahead, as Nesterov's does.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.nadam(lr=0.1)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> state.slots["mu_product"]      # the product of the mu's starts at 1
        array([1.])
        >>> theta, state = opt.update(np.array([2.0]), state, theta)
        >>> theta.round(6)     # lr * g / |g| = 0.1, plus the look-ahead's share of m
        array([0.894355])
    """
    return Optimizer(
        "nadam", update, maximize=maximize, initial={"mu_product": 1.0},
        lr=lr, beta1=beta1, beta2=beta2, eps=eps,
        momentum_decay=momentum_decay, weight_decay=weight_decay,
    )
