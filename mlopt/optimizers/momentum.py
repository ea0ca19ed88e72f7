"""Momentum, also called the heavy ball (Polyak, 1964), in torch's form.

Algorithm box (chapter "Momentum")::

    given lr, beta in [0, 1), dampening in [0, 1], weight_decay, theta_0, v_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        v_t     = beta * v_{t-1} + (1 - dampening) * g_t              (1) (undamped at t = 1)
        theta_t = theta_{t-1} - lr * v_t                              (2)

Reference: torch.optim.SGD(lr, momentum=beta, dampening=dampening, weight_decay=weight_decay).

Conventions:

- torch starts its buffer at the first gradient (v_1 = g_1), dampened or not;
  so does this module. With dampening = beta, v_t is then an average of the
  gradients (after a first step of weight 1) rather than their sum.
- Sutskever et al. (2013) and the source post keep lr inside the velocity,
  ``v_t = beta v_{t-1} - lr g_t; theta_t = theta_{t-1} + v_t``. With a constant
  lr the two forms give the same iterates; under a learning-rate schedule they
  differ (a change of lr acts at once here, gradually there).
- ``weight_decay`` is L2 regularisation added to the gradient (coupled), as in
  torch, not decoupled weight decay (AdamW's). The source post's
  ``weight_decay`` term is the same coupled L2, scaled by lr inside v.
- optax.sgd(momentum=beta) uses this same form.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, v, *, t, lr, beta, dampening, weight_decay):
    """One momentum step on one array; returns ``(theta, v)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    v = beta * v + (1 - dampening if t > 1 else 1) * g  # (1) velocity: v_1 = g_1 as in torch
    theta = theta - lr * v  # (2)
    return theta, v


def momentum(lr=1e-3, beta=0.9, dampening=0.0, weight_decay=0.0, maximize=False):
    """Gradient descent with momentum: ``v <- beta v + g; theta <- theta - lr v``.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.momentum(lr=0.1, beta=0.9)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> for _ in range(2):
        ...     theta, state = opt.update(2 * theta, state, theta)
        >>> theta.round(6), state.slots["v"].round(6)
        (array([0.46]), array([3.4]))
    """
    return Optimizer("momentum", update, maximize=maximize, lr=lr, beta=beta, dampening=dampening,
                     weight_decay=weight_decay)
