"""Gradient descent (Cauchy, 1847): step against the gradient.

Algorithm box (chapter "Gradient descent")::

    given lr > 0, weight_decay >= 0, theta_0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        theta_t = theta_{t-1} - lr * g_t                              (1)

Reference: torch.optim.SGD(lr, weight_decay=weight_decay), with no momentum.

Conventions: the source post adds ``lr * delta`` where ``delta`` is the
*negated* gradient; the rule is the same.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, *, t, lr, weight_decay):
    """One gradient-descent step on one array; returns ``(theta,)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    theta = theta - lr * g  # (1)
    return (theta,)


def gd(lr=1e-3, weight_decay=0.0, maximize=False):
    """Gradient descent: ``theta <- theta - lr * g``.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.gd(lr=0.1)
        >>> theta = np.array([1.0, -2.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)   # J = |theta|^2
        >>> theta
        array([ 0.8, -1.6])
    """
    return Optimizer("gd", update, maximize=maximize, lr=lr, weight_decay=weight_decay)
