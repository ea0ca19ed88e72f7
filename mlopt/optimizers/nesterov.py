"""Nesterov momentum (Nesterov, 1983; Sutskever et al., 2013), in torch's form.

Algorithm box (chapter "Nesterov momentum")::

    given lr, beta in [0, 1), weight_decay, theta_0, v_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        v_t     = beta * v_{t-1} + g_t                                (1)
        theta_t = theta_{t-1} - lr * (g_t + beta * v_t)               (2)

Reference: torch.optim.SGD(lr, momentum=beta, nesterov=True, weight_decay=...).

Conventions: Sutskever et al. evaluate the gradient at the look-ahead point
theta + beta v. Equation (2) is the same method rewritten so the gradient is
taken at the current parameters (Bengio et al., 2013), which is what torch,
optax (``sgd(nesterov=True)``) and Keras do. The source post has no Nesterov.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, v, *, t, lr, beta, weight_decay):
    """One Nesterov step on one array; returns ``(theta, v)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    v = beta * v + g  # (1) velocity, as in momentum
    theta = theta - lr * (g + beta * v)  # (2) step with the look-ahead velocity
    return theta, v


def nesterov(lr=1e-3, beta=0.9, weight_decay=0.0, maximize=False):
    """Nesterov momentum: ``v <- beta v + g; theta <- theta - lr (g + beta v)``.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.nesterov(lr=0.1, beta=0.9)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> theta.round(6)
        array([0.62])
    """
    return Optimizer("nesterov", update, maximize=maximize, lr=lr, beta=beta, weight_decay=weight_decay)
