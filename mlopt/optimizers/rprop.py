"""Rprop, resilient propagation (Riedmiller & Braun, 1993), in torch's form.

Algorithm box (chapter "Rprop")::

    given lr (the first step size), 0 < eta_minus < 1 < eta_plus, step_min, step_max,
          theta_0, g_prev_0 = 0, step_size_0 = lr
    for t = 1, 2, ...
        g_t         = grad J(theta_{t-1})
        s_t         = sign(g_t * g_prev_{t-1})                     (1) +1 same sign, -1 flipped
        f_t         = eta_plus if s_t > 0, eta_minus if s_t < 0, 1 if s_t = 0
        step_size_t = clip(f_t * step_size_{t-1}, step_min, step_max)  (2)
        g_prev_t    = 0 if s_t < 0 else g_t                        (3) after a flip: no move
        theta_t     = theta_{t-1} - sign(g_prev_t) * step_size_t   (4)

Reference: torch.optim.Rprop(lr, etas=(eta_minus, eta_plus),
step_sizes=(step_min, step_max)).

Conventions:

- Each coordinate keeps its own step size, which grows by eta_plus while the
  gradient keeps its sign and shrinks by eta_minus when it flips. The size of
  the gradient is never used, only its sign: Rprop is made for full-batch
  gradients, whose signs are reliable.
- Riedmiller & Braun's algorithm also takes back the previous move after a
  flip ("weight-backtracking"). torch leaves that out and only skips the move
  (3), the variant Igel & Hüsken (2000) call iRprop-; so does mlopt.
- The paper starts every step size at 0.1; torch's ``lr`` (default 0.01) is
  that first step size. It is the only role of ``lr``.
- torch.optim.Rprop has no weight decay, and neither has this rule.
"""

from numbers import Real

import numpy as np

from ..core import Optimizer


def update(theta, g, g_prev, step_size, *, t, lr, eta_minus, eta_plus,
           step_min, step_max):
    """One Rprop step on one array; returns ``(theta, g_prev, step_size)``."""
    s = np.sign(g * g_prev)  # (1) +1 same sign, -1 flipped, 0 no history
    factor = np.where(s > 0, eta_plus, np.where(s < 0, eta_minus, 1.0))  # f_t
    step_size = np.clip(factor * step_size, step_min, step_max)  # (2)
    g_prev = np.where(s < 0, 0.0, g)  # (3) after a flip: no move, no memory
    theta = theta - np.sign(g_prev) * step_size  # (4) against the sign
    return theta, g_prev, step_size


def rprop(lr=1e-2, eta_minus=0.5, eta_plus=1.2, step_min=1e-6, step_max=50.0, maximize=False):
    """Rprop: a step size per coordinate, grown while the gradient's sign holds, cut when it flips.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.rprop(lr=0.1)
        >>> theta = np.array([1.0, -100.0]); state = opt.init(theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> theta, state = opt.update(2 * theta, state, theta)
        >>> theta.round(6)     # 0.1, then 0.12: only the signs of the gradients count
        array([  0.78, -99.78])
    """
    if all(isinstance(x, Real) for x in (step_min, step_max)) and step_min > step_max:
        raise ValueError(f"step_min must be <= step_max; got step_min={step_min!r}, step_max={step_max!r}")
    return Optimizer(
        "rprop", update, maximize=maximize, initial={"step_size": "lr"}, lr=lr, eta_minus=eta_minus, eta_plus=eta_plus,
        step_min=step_min, step_max=step_max,
    )
