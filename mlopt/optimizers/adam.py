"""Adam (Kingma & Ba, 2015, Algorithm 1).

Algorithm box (chapter "Adam")::

    given lr, beta1, beta2 in [0, 1), eps >= 0, weight_decay,
          theta_0, m_0 = 0, v_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        m_t     = beta1 * m_{t-1} + (1 - beta1) * g_t                 (1)
        v_t     = beta2 * v_{t-1} + (1 - beta2) * g_t^2               (2)
        m_hat_t = m_t / (1 - beta1^t)                                 (3)
        v_hat_t = v_t / (1 - beta2^t)                                 (4)
        theta_t = theta_{t-1} - lr * m_hat_t / (sqrt(v_hat_t) + eps)  (5)

Reference: torch.optim.Adam(lr, betas=(beta1, beta2), eps=eps, weight_decay=...).

Conventions:

- eps is added to sqrt(v_hat), as in Algorithm 1 and torch. The paper's
  Section 2 folds the corrections into the step size instead,
  ``lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t)`` with an "eps hat" added to
  sqrt(v): the same rule but for where eps sits. TensorFlow 1 and Keras use
  that form; optax.adam also has ``eps_root``, added inside the square root.
- ``weight_decay`` is coupled L2, as torch.optim.Adam; decoupled decay is AdamW.
- The source post's Adam adds ``pdelta * mr`` where ``pdelta`` is always
  zero, so ``mr`` does nothing; otherwise its code is this rule.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, m, v, *, t, lr, beta1, beta2, eps, weight_decay):
    """One Adam step on one array; returns ``(theta, m, v)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    m = beta1 * m + (1 - beta1) * g  # (1) first moment
    v = beta2 * v + (1 - beta2) * g**2  # (2) second moment
    m_hat = m / (1 - beta1**t)  # (3) bias corrections
    v_hat = v / (1 - beta2**t)  # (4)
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)  # (5) eps outside the sqrt
    return theta, m, v


def adam(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, maximize=False):
    """Adam: momentum on g and on g^2, both bias-corrected.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.adam(lr=0.1)
        >>> theta = np.array([1.0, 100.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> theta.round(6)     # the first step is about lr * sign(g)
        array([ 0.9, 99.9])
    """
    return Optimizer(
        "adam", update, maximize=maximize, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay
    )
