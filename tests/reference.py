"""Deliberately naive reference optimizers: scalar loops over Python floats.

Each function transcribes its paper's algorithm box (with torch's coupled
weight decay), one coordinate at a time, with no numpy and no shared code with
`mlopt`. ``state`` maps buffer names to lists of floats; the step returns the new
parameters and the new state.
"""

import math


def gd(theta, g, state, t, lr, weight_decay):
    new = [th - lr * (gi + weight_decay * th) for th, gi in zip(theta, g, strict=True)]
    return new, {}


def momentum(theta, g, state, t, lr, beta, weight_decay, dampening=0.0, nesterov=False):
    new_theta, new_v = [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        # torch: the buffer is the first gradient at t = 1, undamped.
        vi = gi if t == 1 else beta * state["v"][i] + (1 - dampening) * gi
        step = gi + beta * vi if nesterov else vi
        new_theta.append(theta[i] - lr * step)
        new_v.append(vi)
    return new_theta, {"v": new_v}


def nesterov(theta, g, state, t, lr, beta, weight_decay):
    return momentum(theta, g, state, t, lr, beta, weight_decay, nesterov=True)


def adagrad(theta, g, state, t, lr, eps, lr_decay, initial_accumulator_value, weight_decay):
    new_theta, new_G = [], []
    clr = lr / (1 + (t - 1) * lr_decay)
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        Gi = (initial_accumulator_value if t == 1 else state["G"][i]) + gi * gi
        new_theta.append(theta[i] - clr * gi / (math.sqrt(Gi) + eps))
        new_G.append(Gi)
    return new_theta, {"G": new_G}


def rmsprop(theta, g, state, t, lr, beta, eps, weight_decay):
    new_theta, new_v = [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        vi = beta * state["v"][i] + (1 - beta) * gi * gi
        new_theta.append(theta[i] - lr * gi / (math.sqrt(vi) + eps))
        new_v.append(vi)
    return new_theta, {"v": new_v}


def adadelta(theta, g, state, t, lr, rho, eps, weight_decay):
    new_theta, new_Eg2, new_Edx2 = [], [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        Eg2 = rho * state["Eg2"][i] + (1 - rho) * gi * gi
        rms_dx = math.sqrt(state["Edx2"][i] + eps)
        rms_g = math.sqrt(Eg2 + eps)
        dx = -(rms_dx / rms_g) * gi
        Edx2 = rho * state["Edx2"][i] + (1 - rho) * dx * dx
        new_theta.append(theta[i] + lr * dx)
        new_Eg2.append(Eg2)
        new_Edx2.append(Edx2)
    return new_theta, {"Eg2": new_Eg2, "Edx2": new_Edx2}


def adam(theta, g, state, t, lr, beta1, beta2, eps, weight_decay):
    new_theta, new_m, new_v = [], [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        mi = beta1 * state["m"][i] + (1 - beta1) * gi
        vi = beta2 * state["v"][i] + (1 - beta2) * gi * gi
        m_hat = mi / (1 - beta1**t)
        v_hat = vi / (1 - beta2**t)
        new_theta.append(theta[i] - lr * m_hat / (math.sqrt(v_hat) + eps))
        new_m.append(mi)
        new_v.append(vi)
    return new_theta, {"m": new_m, "v": new_v}


def adamax(theta, g, state, t, lr, beta1, beta2, eps, weight_decay):
    new_theta, new_m, new_u = [], [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        mi = beta1 * state["m"][i] + (1 - beta1) * gi
        ui = max(beta2 * state["u"][i], abs(gi) + eps)
        new_theta.append(theta[i] - (lr / (1 - beta1**t)) * (mi / ui))
        new_m.append(mi)
        new_u.append(ui)
    return new_theta, {"m": new_m, "u": new_u}


def adamw(theta, g, state, t, lr, beta1, beta2, eps, weight_decay):
    # Decoupled: shrink first, then Adam's step with the raw gradient.
    shrunk = [th * (1 - lr * weight_decay) for th in theta]
    new_theta, new_state = adam(shrunk, g, state, t, lr, beta1, beta2, eps, 0.0)
    return new_theta, new_state


def amsgrad(theta, g, state, t, lr, beta1, beta2, eps, weight_decay):
    new_theta, new_m, new_v, new_vmax = [], [], [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        mi = beta1 * state["m"][i] + (1 - beta1) * gi
        vi = beta2 * state["v"][i] + (1 - beta2) * gi * gi
        vmax = max(state["v_max"][i], vi)
        step = (mi / (1 - beta1**t)) / (math.sqrt(vmax / (1 - beta2**t)) + eps)
        new_theta.append(theta[i] - lr * step)
        new_m.append(mi)
        new_v.append(vi)
        new_vmax.append(vmax)
    return new_theta, {"m": new_m, "v": new_v, "v_max": new_vmax}


def nadam(theta, g, state, t, lr, beta1, beta2, eps, momentum_decay, weight_decay):
    mu = beta1 * (1 - 0.5 * 0.96 ** (t * momentum_decay))
    mu_next = beta1 * (1 - 0.5 * 0.96 ** ((t + 1) * momentum_decay))
    new_theta, new_m, new_v, new_prod = [], [], [], []
    for i in range(len(theta)):
        # The product of mu_1 ... mu_t, recomputed from scratch (no state needed).
        product = 1.0
        for s in range(1, t + 1):
            product *= beta1 * (1 - 0.5 * 0.96 ** (s * momentum_decay))
        gi = g[i] + weight_decay * theta[i]
        mi = beta1 * state["m"][i] + (1 - beta1) * gi
        vi = beta2 * state["v"][i] + (1 - beta2) * gi * gi
        denom = math.sqrt(vi / (1 - beta2**t)) + eps
        step = (1 - mu) / (1 - product) * gi / denom + mu_next / (1 - product * mu_next) * mi / denom
        new_theta.append(theta[i] - lr * step)
        new_m.append(mi)
        new_v.append(vi)
        new_prod.append(product)
    return new_theta, {"m": new_m, "v": new_v, "mu_product": new_prod}


def radam(theta, g, state, t, lr, beta1, beta2, eps, weight_decay):
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * t * beta2**t / (1 - beta2**t)
    new_theta, new_m, new_v = [], [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        mi = beta1 * state["m"][i] + (1 - beta1) * gi
        vi = beta2 * state["v"][i] + (1 - beta2) * gi * gi
        m_hat = mi / (1 - beta1**t)
        if rho_t > 5:
            r = math.sqrt(
                (rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t)
            )
            step = r * m_hat * math.sqrt(1 - beta2**t) / (math.sqrt(vi) + eps)
        else:
            step = m_hat
        new_theta.append(theta[i] - lr * step)
        new_m.append(mi)
        new_v.append(vi)
    return new_theta, {"m": new_m, "v": new_v}


def lion(theta, g, state, t, lr, beta1, beta2, weight_decay):
    new_theta, new_m = [], []
    for i in range(len(theta)):
        c = beta1 * state["m"][i] + (1 - beta1) * g[i]
        sign = (c > 0) - (c < 0)
        new_theta.append(theta[i] - lr * (sign + weight_decay * theta[i]))
        new_m.append(beta2 * state["m"][i] + (1 - beta2) * g[i])
    return new_theta, {"m": new_m}


def rmsprop_centered(theta, g, state, t, lr, beta, momentum, eps, weight_decay):
    """Graves's centered RMSProp with momentum, with torch's placement of lr and eps."""
    new = {"v": [], "g_avg": [], "buf": []}
    new_theta = []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        vi = beta * state["v"][i] + (1 - beta) * gi * gi
        ai = beta * state["g_avg"][i] + (1 - beta) * gi
        bi = momentum * state["buf"][i] + gi / (math.sqrt(vi - ai * ai) + eps)
        new_theta.append(theta[i] - lr * bi)
        for key, value in (("v", vi), ("g_avg", ai), ("buf", bi)):
            new[key].append(value)
    return new_theta, new


def asgd(theta, g, state, t, lr, lambd, alpha, t0, weight_decay):
    """Averaged SGD as torch runs it: the step size eta and the weight mu for step t are
    what torch computed after step t - 1 (lr and 1 at the first step)."""
    eta = lr / (1 + lambd * lr * (t - 1)) ** alpha
    mu = 1 / max(1, t - 1 - t0)
    new_theta, new_ax = [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        th = theta[i] * (1 - lambd * eta) - eta * gi
        new_theta.append(th)
        new_ax.append(th if mu == 1 else state["ax"][i] + mu * (th - state["ax"][i]))
    return new_theta, {"ax": new_ax}


def rprop(theta, g, state, t, lr, eta_minus, eta_plus, step_min, step_max):
    """Riedmiller & Braun's rule without weight-backtracking, as torch has it: every step
    size starts at lr; after a sign flip the coordinate does not move and forgets g."""
    new_theta, new_prev, new_size = [], [], []
    for i in range(len(theta)):
        size = lr if t == 1 else state["step_size"][i]
        agreement = g[i] * state["g_prev"][i]
        if agreement > 0:
            size, gi = size * eta_plus, g[i]
        elif agreement < 0:
            size, gi = size * eta_minus, 0.0
        else:
            gi = g[i]
        size = min(max(size, step_min), step_max)
        direction = (gi > 0) - (gi < 0)
        new_theta.append(theta[i] - direction * size)
        new_prev.append(gi)
        new_size.append(size)
    return new_theta, {"g_prev": new_prev, "step_size": new_size}


def _schedule_free_weight(t, lr, state, warmup_steps, r, weight_lr_power):
    """The package's group-level bookkeeping: the warmed-up lr and x's averaging weight at step t."""
    lr_t = lr * ((t / warmup_steps) if t - 1 < warmup_steps else 1.0)
    lr_max = max(lr_t, state["lr_max"][0] if t > 1 else -1.0)
    weight = t**r * lr_max**weight_lr_power
    weight_sum = (state["weight_sum"][0] if t > 1 else 0.0) + weight
    c = weight / weight_sum if weight_sum != 0 else 0.0
    return lr_t, lr_max, weight_sum, c


def sgd_schedule_free(theta, g, state, t, lr, momentum, weight_decay, warmup_steps, r, weight_lr_power):
    """Defazio et al.'s Algorithm 1 with SGD, as schedulefree.SGDScheduleFreeReference: theta is y;
    z and x start at theta."""
    lr_t, lr_max, weight_sum, c = _schedule_free_weight(t, lr, state, warmup_steps, r, weight_lr_power)
    new_y, new_z, new_x = [], [], []
    for i in range(len(theta)):
        z, x = (theta[i], theta[i]) if t == 1 else (state["z"][i], state["x"][i])
        z = z - lr_t * (g[i] + weight_decay * theta[i])
        x = (1 - c) * x + c * z
        new_y.append(momentum * x + (1 - momentum) * z)
        new_z.append(z)
        new_x.append(x)
    n = len(theta)
    return new_y, {"z": new_z, "x": new_x, "lr_max": [lr_max] * n, "weight_sum": [weight_sum] * n}


def adamw_schedule_free(theta, g, state, t, lr, beta1, beta2, eps, weight_decay, warmup_steps, r, weight_lr_power):
    """The same with Adam's scaled step and decoupled decay (at y), as AdamWScheduleFreeReference."""
    lr_t, lr_max, weight_sum, c = _schedule_free_weight(t, lr, state, warmup_steps, r, weight_lr_power)
    new_y, new_z, new_x, new_v = [], [], [], []
    for i in range(len(theta)):
        z, x = (theta[i], theta[i]) if t == 1 else (state["z"][i], state["x"][i])
        z = z - lr_t * weight_decay * theta[i]
        v = beta2 * state["v"][i] + (1 - beta2) * g[i] * g[i]
        z = z - lr_t * g[i] / (math.sqrt(v / (1 - beta2**t)) + eps)
        x = (1 - c) * x + c * z
        new_y.append(beta1 * x + (1 - beta1) * z)
        new_z.append(z)
        new_x.append(x)
        new_v.append(v)
    n = len(theta)
    return new_y, {"z": new_z, "x": new_x, "v": new_v, "lr_max": [lr_max] * n, "weight_sum": [weight_sum] * n}


def _matmul(A, B):
    return [[sum(a * b for a, b in zip(row, column, strict=True)) for column in zip(*B, strict=True)] for row in A]


def _transpose(A):
    return [list(row) for row in zip(*A, strict=True)]


def muon(theta, g, state, t, lr, momentum, weight_decay, eps, nesterov, ns_coefficients, ns_steps, adjust_lr_fn):
    """Jordan's Muon as torch has it, on a matrix of lists: an averaged momentum buffer, the
    (Nesterov) direction orthogonalised by Newton-Schulz on the wide orientation, then the step."""
    rows, columns = len(theta), len(theta[0])
    b = [[state["b"][i][j] + (1 - momentum) * (g[i][j] - state["b"][i][j]) for j in range(columns)]
         for i in range(rows)]
    u = [[g[i][j] + momentum * (b[i][j] - g[i][j]) if nesterov else b[i][j] for j in range(columns)]
         for i in range(rows)]
    X = _transpose(u) if rows > columns else u
    norm = math.sqrt(sum(x * x for row in X for x in row))
    X = [[x / max(norm, eps) for x in row] for row in X]
    a, b_, c = ns_coefficients
    for _ in range(ns_steps):
        A = _matmul(X, _transpose(X))
        AA = _matmul(A, A)
        B = [[b_ * A[i][j] + c * AA[i][j] for j in range(len(A))] for i in range(len(A))]
        BX = _matmul(B, X)
        X = [[a * X[i][j] + BX[i][j] for j in range(len(X[0]))] for i in range(len(X))]
    if rows > columns:
        X = _transpose(X)
    scale = 0.2 * math.sqrt(max(rows, columns)) if adjust_lr_fn == "match_rms_adamw" else math.sqrt(
        max(1, rows / columns))
    new = [[theta[i][j] * (1 - lr * weight_decay) - lr * scale * X[i][j] for j in range(columns)]
           for i in range(rows)]
    return new, {"b": b}


def adafactor(theta, g, state, t, lr, beta2_decay, eps1, eps2, d, weight_decay):
    """Shazeer & Stern's Adafactor as torch has it (beta1 = 0): a matrix of lists gets row and column
    averages of g^2, a vector (a list of floats) its own; the step is relative to the RMS of theta."""
    eps1 = 2.0**-52 if eps1 is None else eps1  # float64's machine epsilon, torch's default
    w = t**beta2_decay
    rho = min(lr, 1 / math.sqrt(t))
    matrix = isinstance(theta[0], list)
    flat = [x for row in theta for x in row] if matrix else list(theta)
    alpha = max(eps2, math.sqrt(sum(x * x for x in flat) / len(flat))) * rho
    decay = 1 - lr * weight_decay if weight_decay != 0 else 1.0
    if matrix:
        rows, columns = len(theta), len(theta[0])
        R = [[(1 - w) * state["row_var"][i][0] + w * sum(g[i][j] ** 2 for j in range(columns)) / columns]
             for i in range(rows)]
        C = [[(1 - w) * state["col_var"][0][j] + w * sum(g[i][j] ** 2 for i in range(rows)) / rows
              for j in range(columns)]]
        mean_R = max(sum(r[0] for r in R) / rows, eps1)
        U = [[g[i][j] / math.sqrt(max(R[i][0] * C[0][j] / mean_R, eps1 * eps1)) for j in range(columns)]
             for i in range(rows)]
        rms_U = math.sqrt(sum(u * u for row in U for u in row) / (rows * columns))
        scale = alpha / max(1.0, rms_U / d)
        new = [[theta[i][j] * decay - scale * U[i][j] for j in range(columns)] for i in range(rows)]
        return new, {"row_var": R, "col_var": C, "variance": []}
    V = [(1 - w) * state["variance"][i] + w * g[i] ** 2 for i in range(len(theta))]
    U = [g[i] / math.sqrt(max(V[i], eps1 * eps1)) for i in range(len(theta))]
    rms_U = math.sqrt(sum(u * u for u in U) / len(U))
    new = [theta[i] * decay - alpha / max(1.0, rms_U / d) * U[i] for i in range(len(theta))]
    return new, {"row_var": [], "col_var": [], "variance": V}


def _solve(A, b):
    """A x = b by Gaussian elimination with partial pivoting, on lists."""
    n = len(b)
    M = [list(row) + [b[i]] for i, row in enumerate(A)]
    for k in range(n):
        pivot = max(range(k, n), key=lambda i: abs(M[i][k]))
        M[k], M[pivot] = M[pivot], M[k]
        for i in range(k + 1, n):
            factor = M[i][k] / M[k][k]
            M[i] = [M[i][j] - factor * M[k][j] for j in range(n + 1)]
    x = [0.0] * n
    for i in reversed(range(n)):
        x[i] = (M[i][n] - sum(M[i][j] * x[j] for j in range(i + 1, n))) / M[i][i]
    return x


def newton(theta, closure, state, t, lr, damping):
    """x - lr (H + damping I)^{-1} g, the solve by elimination. closure(theta) -> (loss, g, H) in lists."""
    _, g, H = closure(theta)
    shifted = [[H[i][j] + (damping if i == j else 0.0) for j in range(len(g))] for i in range(len(g))]
    p = _solve(shifted, g)
    return [theta[i] - lr * p[i] for i in range(len(g))], {}


def _dot(a, b):
    return sum(x * y for x, y in zip(a, b, strict=True))


def lbfgs(theta, closure, state, t, lr, history_size):
    """One iteration of L-BFGS without a line search (Nocedal & Wright, Algorithms 7.4 and 7.5, with
    H_0 = gamma I), on lists: torch's LBFGS with max_iter=1. state: the pairs and the last step."""
    _, g = closure(theta)
    pairs = list(state.get("pairs", []))
    gamma = state.get("gamma", 1.0)
    if t > 1:
        s = [state["t"] * di for di in state["d"]]
        y = [a - b for a, b in zip(g, state["g_prev"], strict=True)]
        if _dot(y, s) > 1e-10:  # a pair only where it keeps H positive definite
            pairs = (pairs + [(s, y, 1.0 / _dot(y, s))])[-history_size:]
            gamma = _dot(y, s) / _dot(y, y)
    q, alphas = [-gi for gi in g], []
    for s, y, rho in reversed(pairs):
        alpha = rho * _dot(s, q)
        alphas.append(alpha)
        q = [qi - alpha * yi for qi, yi in zip(q, y, strict=True)]
    d = [gamma * qi for qi in q]
    for (s, y, rho), alpha in zip(pairs, reversed(alphas), strict=True):
        beta = rho * _dot(y, d)
        d = [di + (alpha - beta) * si for di, si in zip(d, s, strict=True)]
    step = lr * min(1.0, 1.0 / sum(abs(gi) for gi in g)) if t == 1 else lr
    new = [x + step * di for x, di in zip(theta, d, strict=True)]
    return new, {"pairs": pairs, "gamma": gamma, "d": d, "t": step, "g_prev": g}


# The optimizers that take a closure: the reference gets one in lists.
CLOSURE_REFERENCES = {"newton": newton, "lbfgs": lbfgs}

REFERENCES = {
    "gd": (gd, ()),
    "momentum": (momentum, ("v",)),
    "nesterov": (nesterov, ("v",)),
    "adagrad": (adagrad, ("G",)),
    "rmsprop": (rmsprop, ("v",)),
    "adadelta": (adadelta, ("Eg2", "Edx2")),
    "adam": (adam, ("m", "v")),
    "adamax": (adamax, ("m", "u")),
    "adamw": (adamw, ("m", "v")),
    "amsgrad": (amsgrad, ("m", "v", "v_max")),
    "nadam": (nadam, ("m", "v", "mu_product")),
    "radam": (radam, ("m", "v")),
    "lion": (lion, ("m",)),
    "rprop": (rprop, ("g_prev", "step_size")),
    "asgd": (asgd, ("ax",)),
    "rmsprop_centered": (rmsprop_centered, ("v", "g_avg", "buf")),
    "sgd_schedule_free": (sgd_schedule_free, ("z", "x", "lr_max", "weight_sum")),
    "adamw_schedule_free": (adamw_schedule_free, ("z", "x", "v", "lr_max", "weight_sum")),
    "muon": (muon, ("b",)),
    "adafactor": (adafactor, ("row_var", "col_var", "variance")),
}
