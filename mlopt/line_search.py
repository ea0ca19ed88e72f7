"""A line search for the strong Wolfe conditions, as L-BFGS uses it.

Along a descent direction d from x, with phi(a) = J(x + a d), a step a is
accepted when

    phi(a) <= phi(0) + c1 a phi'(0)         (W1) sufficient decrease
    |phi'(a)| <= c2 |phi'(0)|               (W2) the slope has flattened (strong curvature)

Nocedal & Wright (2006), Algorithms 3.5 and 3.6: grow the step until an
interval is known to hold an acceptable one (the bracketing phase), then shrink
that interval (the zoom phase), each new trial at the minimum of the cubic
through the two ends' values and slopes. The decisions and safeguards are
torch.optim.LBFGS's (after Schmidt's minFunc), so that `mlopt.lbfgs` takes the
same steps: the cubic's minimum is clamped to [a + 0.01 (a - a_prev), 10 a]
while bracketing; while zooming, a trial within 10% of the interval's length
of an end is moved to 10% in from it when it is on or beyond an end, or when
the previous trial was also that close.
"""

import math

import numpy as np


def cubic_minimum(a1, f1, g1, a2, f2, g2, bounds=None):
    """The minimiser of the cubic with values f1, f2 and slopes g1, g2 at a1, a2, clamped to
    ``bounds`` (default: between a1 and a2); the middle of the bounds if the cubic has none."""
    low, high = bounds if bounds is not None else (min(a1, a2), max(a1, a2))
    d1 = g1 + g2 - 3 * (f1 - f2) / (a1 - a2)
    d2_square = d1**2 - g1 * g2
    if d2_square < 0:
        return (low + high) / 2.0
    d2 = math.sqrt(d2_square)
    if a1 <= a2:
        at = a2 - (a2 - a1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        at = a1 - (a1 - a2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(at, low), high)


def strong_wolfe(phi, a, d, f, g, slope, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """A step along ``d`` meeting (W1) and (W2), from the trial step ``a``.

    ``phi(a)`` returns ``(loss, gradient)`` at x + a d; ``f``, ``g`` and ``slope``
    (= g . d < 0) are those at a = 0. Returns ``(loss, gradient, step, evaluations)``
    at the step chosen: the best one found if ``max_ls`` evaluations end the search.
    """
    d_size = float(np.max(np.abs(d)))
    f_new, g_new = phi(a)
    evaluations, trials = 1, 0
    slope_new = float(g_new @ d)
    a_prev, f_prev, g_prev, slope_prev = 0.0, f, g, slope
    done = False
    # Bracketing: grow a until [a_prev, a] holds an acceptable step, or a is one.
    while trials < max_ls:
        if f_new > f + c1 * a * slope or (trials > 1 and f_new >= f_prev):  # (W1) fails, or phi rose
            bracket = [[a_prev, f_prev, g_prev, slope_prev], [a, f_new, g_new, slope_new]]
            break
        if abs(slope_new) <= -c2 * slope:  # (W1) and (W2) hold: done
            bracket = [[a, f_new, g_new, slope_new]]
            done = True
            break
        if slope_new >= 0:  # phi turned upwards: a minimum lies behind a
            bracket = [[a_prev, f_prev, g_prev, slope_prev], [a, f_new, g_new, slope_new]]
            break
        a_next = cubic_minimum(a_prev, f_prev, slope_prev, a, f_new, slope_new,
                               bounds=(a + 0.01 * (a - a_prev), a * 10))  # extrapolate
        a_prev, f_prev, g_prev, slope_prev = a, f_new, g_new, slope_new
        a = a_next
        f_new, g_new = phi(a)
        evaluations += 1
        slope_new = float(g_new @ d)
        trials += 1
    if trials == max_ls:  # out of evaluations: keep the better of the start and the last trial
        bracket = [[0.0, f, g, None], [a, f_new, g_new, None]]

    # Zoom: shrink the bracket, keeping at `low` its end with the lower loss.
    low, high = (0, 1) if bracket[0][1] <= bracket[-1][1] else (1, 0)
    stuck = False
    while not done and trials < max_ls:
        (a1, f1, _, s1), (a2, f2, _, s2) = bracket
        if abs(a2 - a1) * d_size < tolerance_change:
            break
        a = cubic_minimum(a1, f1, s1, a2, f2, s2)
        top, bottom = max(a1, a2), min(a1, a2)
        margin = 0.1 * (top - bottom)
        if min(top - a, a - bottom) < margin:  # too close to an end
            if stuck or a >= top or a <= bottom:
                a = top - margin if abs(a - top) < abs(a - bottom) else bottom + margin
                stuck = False
            else:
                stuck = True
        else:
            stuck = False
        f_new, g_new = phi(a)
        evaluations += 1
        slope_new = float(g_new @ d)
        trials += 1
        if f_new > f + c1 * a * slope or f_new >= bracket[low][1]:  # (W1) fails: a is the new high end
            bracket[high] = [a, f_new, g_new, slope_new]
            low, high = (0, 1) if bracket[0][1] <= bracket[1][1] else (1, 0)
        else:
            if abs(slope_new) <= -c2 * slope:  # (W2) holds too: done
                done = True
            elif slope_new * (bracket[high][0] - bracket[low][0]) >= 0:  # the minimum is on low's other side
                bracket[high] = bracket[low]
            bracket[low] = [a, f_new, g_new, slope_new]
    a, f_new, g_new, _ = bracket[low]
    return f_new, g_new, a, evaluations
