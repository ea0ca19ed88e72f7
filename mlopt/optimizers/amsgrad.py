"""AMSGrad (Reddi, Kale & Kumar, 2018, Algorithm 2), in torch's bias-corrected form.

Algorithm box (chapter "AdamW and AMSGrad")::

    given lr, beta1, beta2 in [0, 1), eps >= 0, weight_decay,
          theta_0, m_0 = 0, v_0 = 0, v_max_0 = 0
    for t = 1, 2, ...
        g_t       = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        m_t       = beta1 * m_{t-1} + (1 - beta1) * g_t                 (1)
        v_t       = beta2 * v_{t-1} + (1 - beta2) * g_t^2               (2)
        v_max_t   = max(v_max_{t-1}, v_t)                               (3)
        m_hat_t   = m_t / (1 - beta1^t)                                 (4)
        v_hat_t   = v_max_t / (1 - beta2^t)                             (5)
        theta_t   = theta_{t-1} - lr * m_hat_t / (sqrt(v_hat_t) + eps)  (6)

Reference: torch.optim.Adam(lr, betas=(beta1, beta2), eps=eps, weight_decay=..., amsgrad=True).

Conventions:

- Reddi et al. keep the largest v_t seen so far (3), so the step size
  lr / sqrt(v_hat) never grows: that is what their convergence proof needs,
  and what Adam, which can forget a large gradient, lacks.
- The paper has no bias correction and no eps, and uses lr / sqrt(t). torch
  and Keras correct m as Adam does and divide the running maximum of the raw
  v_t by the current 1 - beta2^t (5); optax keeps the maximum of the already
  corrected v_t / (1 - beta2^t) instead, which differs while 1 - beta2^t is
  still growing. All add eps outside the square root.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, m, v, v_max, *, t, lr, beta1, beta2, eps, weight_decay):
    """One AMSGrad step on one array; returns ``(theta, m, v, v_max)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    m = beta1 * m + (1 - beta1) * g  # (1) first moment
    v = beta2 * v + (1 - beta2) * g**2  # (2) second moment
    v_max = np.maximum(v_max, v)  # (3) the largest second moment so far
    m_hat = m / (1 - beta1**t)  # (4) bias corrections
    v_hat = v_max / (1 - beta2**t)  # (5) of the maximum, by the current t
    theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)  # (6) as Adam's (5)
    return theta, m, v, v_max


def amsgrad(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, maximize=False):
    """AMSGrad: Adam divided by the largest second moment so far, so steps never grow.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.amsgrad(lr=0.1)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> theta, state = opt.update(np.array([2.0]), state, theta)
        >>> theta.round(6)     # the first step is Adam's
        array([0.9])
    """
    return Optimizer(
        "amsgrad", update, maximize=maximize, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay
    )
