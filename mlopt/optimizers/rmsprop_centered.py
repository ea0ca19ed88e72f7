"""Centered RMSProp with momentum (Graves, 2013), in torch's form.

Algorithm box (chapter "RMSProp", section "Centered, with momentum")::

    given lr, beta, momentum in [0, 1), eps >= 0, weight_decay,
          theta_0, v_0 = 0, g_avg_0 = 0, buf_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        v_t     = beta * v_{t-1} + (1 - beta) * g_t^2                 (1) running mean of g^2
        a_t     = beta * a_{t-1} + (1 - beta) * g_t                   (2) running mean of g
        buf_t   = momentum * buf_{t-1} + g_t / (sqrt(v_t - a_t^2) + eps)   (3)
        theta_t = theta_{t-1} - lr * buf_t                            (4)

Reference: torch.optim.RMSprop(lr, alpha=beta, eps=eps, weight_decay=...,
momentum=momentum, centered=True).

Conventions:

- v_t - a_t^2 is a running variance of g, so (3) divides by the gradient's
  standard deviation, where plain RMSProp divides by its root mean square.
- Graves writes the step with the learning rate inside the momentum,
  ``Delta = momentum * Delta - lr * g / sqrt(v - a^2 + eps)``, and adds eps
  *inside* the square root (his eps is 1e-4, his beta 0.95, his momentum
  0.9, his lr 1e-4). torch, and mlopt, keep lr outside the momentum (the same
  path with a constant lr) and add eps outside the root.
- torch updates the running mean with ``lerp``; the path is the same up to
  rounding (1e-12 relative in the tests).
- torch's default momentum is 0; mlopt's is Graves's 0.9 (torch has no buffer
  at momentum 0; mlopt keeps it, equal to the normalised gradient).
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, v, g_avg, buf, *, t, lr, beta, momentum, eps, weight_decay):
    """One centered RMSProp step on one array; returns ``(theta, v, g_avg, buf)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    v = beta * v + (1 - beta) * g**2  # (1) running mean of g^2
    g_avg = beta * g_avg + (1 - beta) * g  # (2) running mean of g
    buf = momentum * buf + g / (np.sqrt(v - g_avg**2) + eps)  # (3) over its std
    theta = theta - lr * buf  # (4)
    return theta, v, g_avg, buf


def rmsprop_centered(lr=1e-3, beta=0.99, momentum=0.9, eps=1e-8, weight_decay=0.0, maximize=False):
    """Centered RMSProp with momentum: the gradient over its running standard deviation.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.rmsprop_centered(lr=0.01, momentum=0.0)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> theta.round(6)    # first step: lr / sqrt(beta (1 - beta)), about 10 lr
        array([0.899496])
    """
    return Optimizer("rmsprop_centered", update, maximize=maximize, lr=lr, beta=beta, momentum=momentum, eps=eps,
                     weight_decay=weight_decay)
