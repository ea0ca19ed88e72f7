"""Newton's method, damped: a step to the minimum of the local quadratic model.

Algorithm box (chapter "Curvature")::

    given lr > 0, damping lambda >= 0, x_0; the parameters as one vector x
    for t = 1, 2, ...
        g_t, H_t = grad J(x_{t-1}), hess J(x_{t-1})
        p_t = (H_t + lambda I)^{-1} g_t        (1) the Newton step, shifted by lambda
        x_t = x_{t-1} - lr p_t                  (2)

With lr = 1 and lambda = 0 it is Newton's method: x_t minimises the quadratic
J(x_{t-1}) + g_t.(x - x_{t-1}) + (x - x_{t-1}).H_t (x - x_{t-1}) / 2, and
lands on the minimum of a quadratic J in one step. Two dampings, which the
chapter compares: lr < 1 shortens the step along Newton's direction; lambda > 0
(Levenberg, 1944; Marquardt, 1963) bends it towards the gradient's, -g /
lambda for large lambda, and makes H + lambda I positive definite, so a descent
direction, once lambda exceeds -(H's smallest eigenvalue).

Reference: none in torch.optim; the naive reference in tests/reference.py,
and the closed forms on the quadratic (tests/test_curvature.py).

Conventions:

- The closure returns ``(loss, grads, hessian)``, the Hessian over the
  parameters joined into one vector (`mlopt.closure`); the surfaces of
  `mlopt.surfaces` have theirs (``surface.hessian``).
- Where H + lambda I is singular there is no Newton step: `step` raises
  numpy's LinAlgError, naming lambda; `mlopt.trajectory` counts the run as
  diverged from there.
"""

import numpy as np

from ..closure import ClosureOptimizer


def step(x, evaluate, state, *, t, lr, damping):
    """One damped Newton step on the vector x. Returns ``(x, state)`` (Newton keeps no state)."""
    _, g, hessian = evaluate(x)
    try:
        p = np.linalg.solve(hessian + damping * np.eye(len(x)), g)  # (1)
    except np.linalg.LinAlgError:
        raise np.linalg.LinAlgError(f"newton: H + damping I is singular at step {t} (damping={damping!r}): "
                                    "there is no Newton step; raise damping") from None
    x = x - lr * p  # (2)
    return x, state


def start(n, dtype):
    """Newton keeps nothing between steps."""
    return {}


def newton(lr=1.0, damping=0.0, maximize=False):
    """Damped Newton's method: x - lr (H + damping I)^{-1} g.

    It needs the Hessian: ``params, state = opt.step(closure, state, params)`` with
    ``closure(params) -> (loss, grads, hessian)`` (see `mlopt.closure`).

    Example::

        >>> import numpy as np, mlopt
        >>> A = np.diag([1.0, 10.0])
        >>> closure = lambda x: (0.5 * x @ A @ x, A @ x, A)
        >>> opt = mlopt.newton()
        >>> x = np.array([1.0, 1.0]); state = opt.init(x)
        >>> x, state = opt.step(closure, state, x)
        >>> x   # the minimum of a quadratic, in one step
        array([0., 0.])
    """
    return ClosureOptimizer("newton", step, start, hessian=True, maximize=maximize, lr=lr, damping=damping)
