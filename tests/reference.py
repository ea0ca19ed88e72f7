"""Deliberately naive reference optimizers: scalar loops over Python floats.

Each function transcribes its paper's algorithm box (with torch's coupled
weight decay), one coordinate at a time, with no numpy and no shared code with
`mlopt`. ``state`` maps buffer names to lists of floats; the step returns the new
parameters and the new state.
"""

import math


def gd(theta, g, state, t, lr, weight_decay):
    new = [th - lr * (gi + weight_decay * th) for th, gi in zip(theta, g)]
    return new, {}


def momentum(theta, g, state, t, lr, beta, weight_decay, nesterov=False):
    new_theta, new_v = [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        # torch: the buffer is the first gradient at t = 1.
        vi = gi if t == 1 else beta * state["v"][i] + gi
        step = gi + beta * vi if nesterov else vi
        new_theta.append(theta[i] - lr * step)
        new_v.append(vi)
    return new_theta, {"v": new_v}


def nesterov(theta, g, state, t, lr, beta, weight_decay):
    return momentum(theta, g, state, t, lr, beta, weight_decay, nesterov=True)


def adagrad(theta, g, state, t, lr, eps, weight_decay):
    new_theta, new_G = [], []
    for i in range(len(theta)):
        gi = g[i] + weight_decay * theta[i]
        Gi = state["G"][i] + gi * gi
        new_theta.append(theta[i] - lr * gi / (math.sqrt(Gi) + eps))
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


REFERENCES = {
    "gd": (gd, ()),
    "momentum": (momentum, ("v",)),
    "nesterov": (nesterov, ("v",)),
    "adagrad": (adagrad, ("G",)),
    "rmsprop": (rmsprop, ("v",)),
    "adadelta": (adadelta, ("Eg2", "Edx2")),
    "adam": (adam, ("m", "v")),
    "adamax": (adamax, ("m", "u")),
}
