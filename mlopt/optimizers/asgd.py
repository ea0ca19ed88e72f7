"""ASGD, averaged stochastic gradient descent (Polyak & Juditsky, 1992), with the
step sizes of Bottou (2012), in torch's form.

Algorithm box (chapter "Averaging the iterates")::

    given lr, lambd >= 0, alpha >= 0, t0 >= 0, weight_decay, theta_0, ax_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1}) + weight_decay * theta_{t-1}    (wd, if weight_decay != 0)
        eta_t   = lr / (1 + lambd * lr * (t - 1))^alpha                (1) decaying step size
        theta_t = theta_{t-1} * (1 - lambd * eta_t) - eta_t * g_t      (2) SGD step, shrunk by lambd
        mu_t    = 1 / max(1, t - 1 - t0)                               (3) averaging weight
        ax_t    = ax_{t-1} + mu_t * (theta_t - ax_{t-1})               (4) ax_t = theta_t while mu_t = 1

Reference: torch.optim.ASGD(lr, lambd, alpha, t0, weight_decay); ax_t is
its state ``ax``, the averaged iterate (torch also stores eta and mu, which
here are functions of t).

Conventions:

- mu_t = 1 up to step t0 + 2, so ax_t is the iterate itself; from then on
  ax_t is the mean of the iterates theta_{t0+2}, ..., theta_t, the
  Polyak-Ruppert average. It is what should be evaluated, while the
  optimizer keeps stepping theta_t.
- torch's default t0 = 1e6 means no averaging in a run shorter than a
  million steps: with the defaults, ASGD is gradient descent with a slowly
  decaying step and an extra pull lambd * theta towards zero (lambd acts as
  coupled weight decay, and also slows eta).
- eta_t = lr / (1 + lambd lr t)^alpha with alpha = 3/4 is Bottou's schedule
  for averaged SGD, written with t - 1 because torch updates eta after the step.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, ax, *, t, lr, lambd, alpha, t0, weight_decay):
    """One ASGD step on one array; returns ``(theta, ax)``."""
    if np.any(weight_decay):  # as torch: no term at all when weight_decay = 0
        g = g + weight_decay * theta  # (wd) coupled L2
    eta = lr / (1 + lambd * lr * (t - 1)) ** alpha  # (1) decaying step size
    theta = theta * (1 - lambd * eta) - eta * g  # (2) the SGD step, shrunk by lambd
    mu = 1 / np.maximum(1, t - 1 - t0)  # (3) averaging weight
    ax = np.where(mu == 1, theta, ax + mu * (theta - ax))  # (4) the running average
    return theta, ax


def asgd(lr=1e-2, lambd=1e-4, alpha=0.75, t0=1e6, weight_decay=0.0, maximize=False):
    """ASGD: gradient descent whose iterates are averaged from step t0 + 2 on (state ``ax``).

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.asgd(lr=0.1, lambd=0.0, t0=0)
        >>> theta = np.array([1.0]); state = opt.init(theta)
        >>> for _ in range(3):
        ...     theta, state = opt.update(2 * theta, state, theta)
        >>> theta, state.slots["ax"]   # 0.8, 0.64, 0.512; ax = mean(0.64, 0.512)
        (array([0.512]), array([0.576]))
    """
    return Optimizer("asgd", update, maximize=maximize, evaluate_at="ax", lr=lr, lambd=lambd, alpha=alpha, t0=t0,
                     weight_decay=weight_decay)
