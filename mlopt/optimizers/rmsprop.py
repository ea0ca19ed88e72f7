"""RMSProp (Tieleman & Hinton, 2012, Coursera lecture 6.5).

Algorithm box (chapter "RMSProp")::

    given lr, beta in [0, 1), eps >= 0, weight_decay, theta_0, v_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        v_t     = beta * v_{t-1} + (1 - beta) * g_t^2                 (1)
        theta_t = theta_{t-1} - lr * g_t / (sqrt(v_t) + eps)          (2)

Reference: torch.optim.RMSprop(lr, alpha=beta, eps=eps, weight_decay=...),
with momentum=0 and centered=False. torch calls beta ``alpha``.

Conventions:

- eps is added *outside* the square root, as in torch. TensorFlow's original
  RMSProp, Keras and optax.rmsprop (by default) add it inside:
  ``g / sqrt(v + eps)``. So does the source post's code.
- The source post's *formula* is not RMSProp: it swaps the weights, does not
  square g_t and keeps no running average. Its code is the rule above with eps
  inside the square root.
- optax.rmsprop's default decay is 0.9; torch's alpha is 0.99, as here.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, v, *, t, lr, beta, eps, weight_decay):
    """One RMSProp step on one array; returns ``(theta, v)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    v = beta * v + (1 - beta) * g**2  # (1) running mean of g^2
    theta = theta - lr * g / (np.sqrt(v) + eps)  # (2) eps outside the sqrt
    return theta, v


def rmsprop(lr=1e-2, beta=0.99, eps=1e-8, weight_decay=0.0, maximize=False):
    """RMSProp: ``v <- beta v + (1 - beta) g^2; theta <- theta - lr g / (sqrt(v) + eps)``.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.rmsprop(lr=0.01, beta=0.99)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> theta.round(6)    # first step: lr / sqrt(1 - beta) = 0.1
        array([0.9])
    """
    return Optimizer("rmsprop", update, maximize=maximize, lr=lr, beta=beta, eps=eps, weight_decay=weight_decay)
