"""Schedule-Free AdamW (Defazio et al., 2024, "The Road Less Scheduled", Algorithm 1
with Adam's step), as the schedulefree package's reference.

Algorithm box (chapter "Averaging the iterates")::

    given lr, beta1, beta2 in [0, 1), eps, weight_decay, warmup_steps, r, weight_lr_power,
          y_0 = z_0 = x_0 = theta_0, v_0 = 0, lr_max_0 = 0, S_0 = 0
    for t = 1, 2, ...
        gamma_t, c_t  as in Schedule-Free SGD                        (1)-(5)
        g_t = grad J(y_{t-1})                                        (no decay in g)
        z'  = z_{t-1} - gamma_t * weight_decay * y_{t-1}             (6) decoupled decay, at y
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2                  (7) Adam's second moment
        z_t = z' - gamma_t * g_t / (sqrt(v_t / (1 - beta2^t)) + eps) (8) an Adam step without m, from z
        x_t = (1 - c_t) * x_{t-1} + c_t * z_t                        (9) the weighted mean of the z's
        y_t = beta1 * x_t + (1 - beta1) * z_t                        (10) beta1 plays momentum's part

The parameters are y; evaluate the model at ``state.slots["x"]``.

Reference: schedulefree.AdamWScheduleFreeReference(lr, betas=(beta1, beta2), eps,
weight_decay, warmup_steps, r, weight_lr_power) with its default
decay_at_z=False (the decay is taken at y).

Conventions:

- There is no first moment m: beta1 is the interpolation between x and z,
  which plays momentum's part (the paper interprets y's update as a momentum
  step: y receives (1 - beta1) g_t at once, as an average of g would).
- The paper's Algorithm 1 puts Adam's bias correction into the step size,
  gamma_t = lr sqrt(1 - beta2^t) min(1, t / warmup), divides by sqrt(v_t) + eps,
  and so also scales the decay and the weights c_t by it. The package (and this
  module) correct v inside the square root, as Adam does (eps then sits
  differently), and weight by the warmed-up lr_max alone.
"""

import numpy as np

from ..core import PARAMS, Optimizer
from .sgd_schedule_free import average_weight


def update(theta, g, z, x, v, lr_max, weight_sum, *, t, lr, beta1, beta2, eps, weight_decay, warmup_steps, r,
           weight_lr_power):
    """One Schedule-Free AdamW step on one array (theta is y); returns ``(y, z, x, v, lr_max, weight_sum)``."""
    gamma, lr_max, weight_sum, c = average_weight(t, lr, lr_max, weight_sum, warmup_steps, r,
                                                  weight_lr_power)  # (1)-(5)
    if np.any(weight_decay):
        z = z - gamma * weight_decay * theta  # (6) decoupled, at y
    v = beta2 * v + (1 - beta2) * g**2  # (7)
    z = z - gamma * g / (np.sqrt(v / (1 - beta2**t)) + eps)  # (8)
    x = (1 - c) * x + c * z  # (9)
    y = beta1 * x + (1 - beta1) * z  # (10)
    return y, z, x, v, lr_max, weight_sum


def adamw_schedule_free(lr=0.0025, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0, warmup_steps=0, r=0.0,
                        weight_lr_power=2.0, maximize=False):
    """Schedule-Free AdamW: Adam-scaled steps on z, evaluated at their running average x (state ``x``).

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.adamw_schedule_free(lr=0.1, beta1=0.5)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> state.slots["z"], state.slots["x"], theta   # the first step moves z, x and y alike by lr
        (array([0.9]), array([0.9]), array([0.9]))
    """
    return Optimizer("adamw_schedule_free", update, maximize=maximize, initial={"z": PARAMS, "x": PARAMS},
                     evaluate_at="x",
                     lr=lr, beta1=beta1,
                     beta2=beta2, eps=eps, weight_decay=weight_decay, warmup_steps=warmup_steps, r=r,
                     weight_lr_power=weight_lr_power)
