"""L-BFGS, limited-memory BFGS (Nocedal, 1980; Liu & Nocedal, 1989), in torch's form.

Algorithm box (chapter "Curvature")::

    given lr, history size m, x_0; the parameters as one vector x
    for t = 1, 2, ...
        g_t = grad J(x_{t-1})
        if t = 1:  d_1 = -g_1
        else:
            s = a_{t-1} d_{t-1},  y = g_t - g_{t-1}                     (1) the last step and its change of gradient
            if y.s > 1e-10: keep (s, y) and rho = 1 / (y.s),              (2) the newest m pairs, and
                            gamma = (y.s) / (y.y)                              H_0 = gamma I
            d_t = -H_t g_t, by the two-loop recursion over the pairs     (3) Newton's step, H_t ~ inverse Hessian
        a_t = lr min(1, 1 / |g_1|_1) at t = 1, else lr                   (4) or a strong Wolfe line search from there
        x_t = x_{t-1} + a_t d_t                                          (5)

H_t is the inverse-Hessian approximation BFGS would build from H_0 = gamma I
and the kept pairs, one rank-two update per pair; the two-loop recursion
applies it to -g_t without forming it, in O(m n). Each t is one iteration;
the step size a_t is torch's ``t``.

Reference: torch.optim.LBFGS(lr, max_iter, max_eval, tolerance_grad,
tolerance_change, history_size, line_search_fn); its state holds the same
numbers: ``d``, ``t``, ``old_stps`` (the s), ``old_dirs`` (the y), ``ro``,
``H_diag`` (gamma), ``prev_flat_grad``, ``prev_loss``, ``func_evals`` and
``n_iter``.

Conventions:

- One `step` is torch's ``step(closure)``: up to ``max_iter`` iterations of
  the box and ``max_eval`` evaluations of the closure, ending early when the
  largest |g| is at most ``tolerance_grad``, or a step, or a change of loss,
  is below ``tolerance_change``. With ``max_iter=1`` each step is one
  iteration (the explorer's paths); the pairs carry over between steps.
- The first step is scaled to length at most lr in the 1-norm (4), since the
  first direction, -g_1, carries no curvature yet. A pair whose y.s is
  not above 1e-10 (an absolute threshold, torch's) is not kept: H_t would not
  stay positive definite.
- ``line_search_fn="strong_wolfe"`` searches from the step of (4) for one
  meeting the strong Wolfe conditions (c1 = 1e-4, c2 = 0.9, and torch's own
  tolerance 1e-9 on the bracket; `mlopt.line_search`), with at most
  ``max_eval`` evaluations in the step: with ``max_iter=1`` the default
  ``max_eval`` is 1, which leaves the search nothing, so give it more
  (the book's pictures use 25). None takes the step of (4) as it is.
- torch also keeps the two-loop recursion's scratch coefficients (``al``);
  they are not state here. The parity tests are in float64; in float32
  mlopt keeps the vectors in float32 and its scalars (a, gamma, y.s) as
  Python floats.
"""

import numpy as np

from ..closure import ClosureOptimizer
from ..line_search import strong_wolfe


def two_loop(g, s, y, rho, gamma):
    """-H g by the two-loop recursion: H built from H_0 = gamma I and the pairs (s_i, y_i), oldest first."""
    q = -g
    alphas = np.zeros(len(s), dtype=g.dtype)
    for i in reversed(range(len(s))):  # newest to oldest
        alphas[i] = (s[i] @ q) * rho[i]
        q = q - alphas[i] * y[i]
    r = q * gamma
    for i in range(len(s)):  # oldest to newest
        beta = (y[i] @ r) * rho[i]
        r = r + (alphas[i] - beta) * s[i]
    return r


def start(n, dtype):
    """The state before the first step: no pairs yet."""
    vector = np.zeros(n, dtype)
    return dict(d=vector, t=np.float64(0.0), s=np.zeros((0, n), dtype), y=np.zeros((0, n), dtype),
                rho=np.zeros(0, dtype), gamma=np.float64(1.0), g_prev=vector, loss_prev=np.float64(np.nan),
                evaluations=np.int64(0), iterations=np.int64(0))


def step(x, evaluate, state, *, t, lr, max_iter, max_eval, tolerance_grad, tolerance_change, history_size,
         line_search_fn):
    """One step of L-BFGS on the vector x: up to ``max_iter`` iterations. Returns ``(x, state)``."""
    max_eval = max_iter * 5 // 4 if max_eval is None else max_eval
    d, s, y, rho, g_prev = (state[key] for key in ("d", "s", "y", "rho", "g_prev"))
    a, gamma, loss_prev = float(state["t"]), float(state["gamma"]), float(state["loss_prev"])  # scalars
    evaluations, iterations = int(state["evaluations"]), int(state["iterations"])
    loss, g = evaluate(x)
    evaluations, used = evaluations + 1, 1
    if np.max(np.abs(g), initial=0) <= tolerance_grad:  # already at a stationary point
        return x, {**state, "evaluations": np.int64(evaluations)}
    for n in range(1, max_iter + 1):
        iterations += 1
        if iterations == 1:
            d, s, y, rho, gamma = -g, s[:0], y[:0], rho[:0], 1.0
        else:
            s_new, y_new = d * a, g - g_prev  # (1)
            ys = float(y_new @ s_new)
            if ys > 1e-10:  # (2)
                keep = max(len(s) + 1 - history_size, 0)  # drop the oldest beyond m
                s, y = np.vstack([s[keep:], s_new]), np.vstack([y[keep:], y_new])
                rho = np.append(rho[keep:], np.array([1.0 / ys], dtype=s.dtype))
                gamma = ys / float(y_new @ y_new)
            d = two_loop(g, s, y, rho, gamma)  # (3)
        g_prev, loss_prev = g, loss
        a = min(1.0, 1.0 / float(np.sum(np.abs(g)))) * lr if iterations == 1 else lr  # (4)
        slope = float(g @ d)
        if slope > -tolerance_change:  # d is not a descent direction (or barely)
            break
        if line_search_fn == "strong_wolfe":
            # torch's search keeps its own tolerance (1e-9), whatever tolerance_change says
            loss, g, a, spent = strong_wolfe(lambda a, x=x, d=d: evaluate(x + a * d), a, d, loss, g, slope,
                                             max_ls=max_eval - used)
            x = x + a * d  # (5)
        else:
            x, spent = x + a * d, 0  # (5)
            if n != max_iter:
                loss, g = evaluate(x)
                spent = 1
        used, evaluations = used + spent, evaluations + spent
        if (n == max_iter or used >= max_eval or np.max(np.abs(g)) <= tolerance_grad
                or np.max(np.abs(d * a)) <= tolerance_change or abs(loss - loss_prev) < tolerance_change):
            break
    return x, dict(d=d, t=np.float64(a), s=s, y=y, rho=rho, gamma=np.float64(gamma), g_prev=g_prev,
                   loss_prev=np.float64(loss_prev), evaluations=np.int64(evaluations),
                   iterations=np.int64(iterations))


def lbfgs(lr=1.0, max_iter=20, max_eval=None, tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100,
          line_search_fn=None, maximize=False):
    """L-BFGS: Newton's step with an inverse Hessian built from the last ``history_size`` steps.

    It evaluates the loss itself: ``params, state = opt.step(closure, state, params)``
    with ``closure(params) -> (loss, grads)`` (see `mlopt.closure`).

    Example::

        >>> import numpy as np, mlopt
        >>> A = np.diag([1.0, 10.0])
        >>> closure = lambda x: (0.5 * x @ A @ x, A @ x)
        >>> opt = mlopt.lbfgs(line_search_fn="strong_wolfe")
        >>> x = np.array([1.0, 1.0]); state = opt.init(x)
        >>> x, state = opt.step(closure, state, x)
        >>> x.round(5), int(state.slots["iterations"])   # it stops once J changes by < tolerance_change
        (array([-1.e-05, -0.e+00]), 8)
    """
    return ClosureOptimizer(
        "lbfgs", step, start, counters=("evaluations", "iterations"), maximize=maximize, lr=lr,
        options=dict(max_iter=max_iter, max_eval=max_eval, tolerance_grad=tolerance_grad,
                     tolerance_change=tolerance_change, history_size=history_size, line_search_fn=line_search_fn))
