"""Schedule-Free SGD (Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky, 2024,
"The Road Less Scheduled", its SGD form with the weights c_t proportional to
gamma_t^2), as the schedulefree package's reference.

Algorithm box (chapter "Averaging the iterates")::

    given lr, momentum in [0, 1), weight_decay, warmup_steps, r, weight_lr_power,
          y_0 = z_0 = x_0 = theta_0, lr_max_0 = 0, S_0 = 0
    for t = 1, 2, ...
        gamma_t  = lr * min(1, t / warmup_steps)                 (1) lr, warmed up linearly
        lr_max_t = max(lr_max_{t-1}, gamma_t)                    (2) the largest lr so far
        w_t      = t^r * lr_max_t^weight_lr_power                (3) this step's weight in the average
        S_t      = S_{t-1} + w_t                                 (4) the weights' sum
        c_t      = w_t / S_t                                     (5) (0 while S_t = 0)
        g_t      = grad J(y_{t-1}) + weight_decay * y_{t-1}      (6) at y, with coupled L2
        z_t      = z_{t-1} - gamma_t * g_t                       (7) an SGD step, from z
        x_t      = (1 - c_t) * x_{t-1} + c_t * z_t               (8) x: the weighted mean of z_1 ... z_t
        y_t      = momentum * x_t + (1 - momentum) * z_t         (9) y: between them

The parameters are y (where gradients are taken); the state keeps z, x,
lr_max and S (``weight_sum``). Evaluate the model at ``state.slots["x"]``.

Reference: schedulefree.SGDScheduleFreeReference(lr, momentum, weight_decay,
warmup_steps, r, weight_lr_power); its ``train()`` holds y in the
parameters, its ``eval()`` puts x there.

Conventions:

- The weights t^r lr_max^weight_lr_power are the package's generalisation of
  the paper's gamma_t^2 (r = 0, weight_lr_power = 2).
- No schedule: with r = 0 and weight_lr_power = 0, x_t is the plain mean of
  z_1 ... z_t, the Polyak-Ruppert average of an SGD run at constant lr;
  y interpolates between that average and the last z. The defaults
  (weight_lr_power = 2) weight each z by lr_max^2, which after warm-up is
  constant: warm-up's small steps count less.
- The package keeps lr_max and the weights' sum per parameter group; here they
  are buffers (one number per element, all equal unless lr is a grid).
- The package refuses momentum = 0 (then y = z: SGD whose iterates are
  averaged); this module allows it. Its lr default is 1.0, as the package's.
"""

import numpy as np

from ..core import PARAMS, Optimizer


def average_weight(t, lr, lr_max, weight_sum, warmup_steps, r, weight_lr_power):
    """Equations (1)-(5), shared with Schedule-Free AdamW: ``(gamma, lr_max, weight_sum, c)``."""
    gamma = lr * np.minimum(1, t / np.maximum(warmup_steps, 1))  # (1) warm-up (none when 0)
    lr_max = np.maximum(lr_max, gamma)  # (2)
    w = t**r * lr_max**weight_lr_power  # (3)
    weight_sum = weight_sum + w  # (4)
    c = np.divide(w, weight_sum, out=np.zeros_like(weight_sum), where=weight_sum > 0)  # (5)
    return gamma, lr_max, weight_sum, c


def update(theta, g, z, x, lr_max, weight_sum, *, t, lr, momentum, weight_decay, warmup_steps, r,
           weight_lr_power):
    """One Schedule-Free SGD step on one array (theta is y); returns ``(y, z, x, lr_max, weight_sum)``."""
    gamma, lr_max, weight_sum, c = average_weight(t, lr, lr_max, weight_sum, warmup_steps, r,
                                                  weight_lr_power)  # (1)-(5)
    if np.any(weight_decay):
        g = g + weight_decay * theta  # (6) coupled L2, at y
    z = z - gamma * g  # (7)
    x = (1 - c) * x + c * z  # (8)
    y = momentum * x + (1 - momentum) * z  # (9)
    return y, z, x, lr_max, weight_sum


def sgd_schedule_free(lr=1.0, momentum=0.9, weight_decay=0.0, warmup_steps=0, r=0.0, weight_lr_power=2.0,
                      maximize=False):
    """Schedule-Free SGD: SGD steps on z, evaluated at their running average x (state ``x``).

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.sgd_schedule_free(lr=0.1, momentum=0.5)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> for _ in range(2):
        ...     theta, state = opt.update(2 * theta, state, theta)
        >>> state.slots["z"], state.slots["x"], theta   # z: 0.8, 0.64; x: their mean; y: halfway
        (array([0.64]), array([0.72]), array([0.68]))
    """
    return Optimizer("sgd_schedule_free", update, maximize=maximize, initial={"z": PARAMS, "x": PARAMS},
                     evaluate_at="x",
                     lr=lr, momentum=momentum,
                     weight_decay=weight_decay, warmup_steps=warmup_steps, r=r, weight_lr_power=weight_lr_power)
