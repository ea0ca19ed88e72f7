"""AdamW (Loshchilov & Hutter, 2019, Algorithm 2): Adam with decoupled weight decay.

Algorithm box (chapter "AdamW and AMSGrad")::

    given lr, beta1, beta2 in [0, 1), eps >= 0, weight_decay >= 0,
          theta_0, m_0 = 0, v_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1})                                 (no decay in g)
        theta'  = (1 - lr * weight_decay) * theta_{t-1}               (0) decoupled decay
        theta_t = Adam's step (1)-(5) from theta', with g_t           (1)-(5)

Reference: torch.optim.AdamW(lr, betas=(beta1, beta2), eps=eps, weight_decay=...).

Conventions:

- Adam's ``weight_decay`` adds ``weight_decay * theta`` to the gradient, so the
  decay is divided by sqrt(v_hat) like the rest of the step: a weight with large
  gradients is barely decayed. AdamW shrinks every weight by the same factor,
  outside the adaptive step; that is the whole difference.
- The paper writes the decay as ``eta_t * lambda * theta`` where eta_t is the
  schedule multiplier alone, so it does not scale with the base learning rate
  alpha. torch (and this module) multiply by ``lr`` instead: with lr = 1e-3 and
  weight_decay = 1e-2 a weight shrinks by 1e-5 per step. optax.adamw does the
  same as torch.
"""

from ..core import Optimizer
from .adam import update as adam_update


def update(theta, g, m, v, *, t, lr, beta1, beta2, eps, weight_decay):
    """One AdamW step on one array; returns ``(theta, m, v)``."""
    theta = theta * (1 - lr * weight_decay)  # (0) decoupled decay, outside Adam's step
    return adam_update(  # (1)-(5) Adam's step, with no L2 term in g
        theta, g, m, v, t=t, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=0.0
    )


def adamw(lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2, maximize=False):
    """AdamW: Adam's step, then every weight shrinks by the factor ``1 - lr * weight_decay``.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.adamw(lr=0.1, weight_decay=0.5)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> theta, state = opt.update(np.zeros(1), state, theta)
        >>> theta.round(6)     # a zero gradient: only the decay, 1 - 0.1 * 0.5
        array([0.95])
    """
    return Optimizer(
        "adamw", update, maximize=maximize, lr=lr, beta1=beta1, beta2=beta2, eps=eps, weight_decay=weight_decay
    )
