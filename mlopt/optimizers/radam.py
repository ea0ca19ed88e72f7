"""RAdam (Liu et al., 2020, Algorithm 2): Adam with its variance rectified.

Algorithm box (chapter "RAdam")::

    given lr, beta1, beta2 in [0, 1), eps >= 0, weight_decay,
          theta_0, m_0 = 0, v_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        m_t     = beta1 * m_{t-1} + (1 - beta1) * g_t                 (1)
        v_t     = beta2 * v_{t-1} + (1 - beta2) * g_t^2               (2)
        m_hat_t = m_t / (1 - beta1^t)                                 (3)
        rho_inf = 2 / (1 - beta2) - 1                                 (4)
        rho_t   = rho_inf - 2 t beta2^t / (1 - beta2^t)               (5)
        if rho_t > 5:                                                 (6)
            r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf
                       / ((rho_inf - 4)(rho_inf - 2) rho_t))          (7)
            l_t = sqrt(1 - beta2^t) / (sqrt(v_t) + eps)               (8)
            theta_t = theta_{t-1} - lr * r_t * l_t * m_hat_t          (9)
        else:
            theta_t = theta_{t-1} - lr * m_hat_t                      (10) momentum SGD

Reference: torch.optim.RAdam(lr, betas=(beta1, beta2), eps=eps, weight_decay=...).

Conventions:

- rho_t is the length of the simple moving average that Adam's exponential
  average of g^2 resembles at step t. While it is short, v_t is too noisy to
  divide by, so RAdam takes plain (bias-corrected) momentum steps (10); after
  that it divides by sqrt(v) and multiplies by the rectifier r_t < 1, which
  rises to 1. With beta2 = 0.999 the switch is at t = 6 (rho_5 = 4.996, rho_6 = 5.994).
- The threshold (6) is rho_t > 5, as in torch; the authors' code and optax use
  rho_t >= 5, the paper's Algorithm 2 rho_t > 4. They differ at one step at most.
- eps is added to sqrt(v_t) before the bias correction (8), as torch does;
  Adam adds it to sqrt(v_hat_t). The two differ only when v is about eps^2.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, m, v, *, t, lr, beta1, beta2, eps, weight_decay):
    """One RAdam step on one array; returns ``(theta, m, v)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    m = beta1 * m + (1 - beta1) * g  # (1) first moment
    v = beta2 * v + (1 - beta2) * g**2  # (2) second moment
    m_hat = m / (1 - beta1**t)  # (3) bias correction of m
    rho_inf = 2 / (1 - beta2) - 1  # (4) the longest moving average
    rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)  # (5) its length at step t
    rectified = rho_t > 5  # (6) torch's threshold; the paper's is 4
    with np.errstate(divide="ignore", invalid="ignore"):  # r is used only where rectified
        r = np.sqrt(  # (7) the rectifier, below 1, rising to 1
            (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
        )
    l_t = np.sqrt(1 - beta2**t) / (np.sqrt(v) + eps)  # (8) adaptive scale
    theta = theta - lr * np.where(rectified, r * l_t, 1.0) * m_hat  # (9) or (10)
    return theta, m, v


def radam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, maximize=False):
    """RAdam: momentum SGD while v is too young to trust, then rectified Adam.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.radam(lr=0.1)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> theta, state = opt.update(np.array([2.0]), state, theta)
        >>> theta.round(6)     # step 1 is momentum SGD: lr * m_hat = 0.1 * 2
        array([0.8])
    """
    return Optimizer(
        "radam", update, maximize=maximize, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay
    )
