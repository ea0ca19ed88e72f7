"""Learning-rate schedules: callables of the step t (1 on the first update).

Each returns a `Schedule`, which any optimizer takes as its ``lr`` (or as any
other hyperparameter)::

    opt = mlopt.adam(lr=mlopt.schedules.warmup_cosine(1e-2, warmup_steps=50, total_steps=500))

The values are those of ``torch.optim.lr_scheduler`` with the same settings,
step for step: torch counts epochs from 0, so our ``schedule(t)`` is the
learning rate torch uses for its t-th ``optimizer.step()``. Where torch
computes a value recursively (cosine, linear), we use the closed form; the two
agree to rounding (the tests check 1e-12).

=================  ===========================================================
``constant``       lr
``step``           lr * gamma^floor((t - 1) / step_size)           (StepLR)
``exponential``    lr * gamma^(t - 1)                              (ExponentialLR)
``cosine``         lr_min + (lr - lr_min) (1 + cos(pi (t - 1) / total_steps)) / 2
                                                                   (CosineAnnealingLR)
``cosine_restarts``  cosine over period steps, restarting at lr, each cosine
                   period_mult times longer than the last  (CosineAnnealingWarmRestarts)
``linear_warmup``  lr * (f + (1 - f) min(t - 1, w) / w)            (LinearLR)
``warmup_cosine``  linear_warmup for w steps, then cosine over the rest
                                                                   (SequentialLR of the two)
``one_cycle``      up from max_lr / div_factor to max_lr, then down to
                   max_lr / (div_factor * final_div_factor), cosine-shaped
                                                                   (OneCycleLR, two phases)
=================  ===========================================================
"""

import math
from numbers import Integral

from .hyper import check_real


class Schedule:
    """A learning rate as a function of the step t = 1, 2, ...; made by the functions below."""

    def __init__(self, name, settings, rule):
        self.__name__ = name
        self.settings = settings
        self._rule = rule

    def __call__(self, t):
        if isinstance(t, bool) or not isinstance(t, Integral) or t < 1:
            raise ValueError(f"{self.__name__}: the step t must be an integer >= 1; got {t!r}")
        return self._rule(int(t))

    def __repr__(self):
        args = ", ".join(f"{key}={value!r}" for key, value in self.settings.items())
        return f"mlopt.schedules.{self.__name__}({args})"

    def values(self, steps):
        """The learning rates of steps 1 .. ``steps``, as a list."""
        return [self(t) for t in range(1, steps + 1)]


def _count(name, value, least=1):
    if isinstance(value, bool) or not isinstance(value, Integral) or value < least:
        raise ValueError(f"{name} must be an integer >= {least}; got {value!r}")
    return int(value)


def constant(lr):
    """The same lr at every step."""
    lr = check_real("lr", lr)
    return Schedule("constant", {"lr": lr}, lambda t: lr)


def step(lr, step_size, gamma=0.1):
    """lr, multiplied by gamma every step_size steps (torch's StepLR)."""
    lr, gamma = check_real("lr", lr), check_real("gamma", gamma)
    step_size = _count("step_size", step_size)
    return Schedule("step", {"lr": lr, "step_size": step_size, "gamma": gamma},
                    lambda t: lr * gamma ** ((t - 1) // step_size))


def exponential(lr, gamma):
    """lr, multiplied by gamma at every step (torch's ExponentialLR)."""
    lr, gamma = check_real("lr", lr), check_real("gamma", gamma)
    return Schedule("exponential", {"lr": lr, "gamma": gamma}, lambda t: lr * gamma ** (t - 1))


def _cosine(lr, total_steps, lr_min, k):
    return lr_min + (lr - lr_min) * (1 + math.cos(math.pi * k / total_steps)) / 2


def cosine(lr, total_steps, lr_min=0.0):
    """Half a cosine from lr down to lr_min over total_steps steps (torch's CosineAnnealingLR).

    As in torch, it does not stop at lr_min: past total_steps it rises again.
    """
    lr, lr_min = check_real("lr", lr), check_real("lr_min", lr_min)
    total_steps = _count("total_steps", total_steps)
    return Schedule("cosine", {"lr": lr, "total_steps": total_steps, "lr_min": lr_min},
                    lambda t: _cosine(lr, total_steps, lr_min, t - 1))


def cosine_restarts(lr, period, period_mult=1, lr_min=0.0):
    """Cosines from lr down to lr_min, each restarting at lr: SGDR's warm restarts
    (torch's CosineAnnealingWarmRestarts with T_0 = period, T_mult = period_mult).

    The first cosine lasts period steps, each next one period_mult times longer.
    """
    lr, lr_min = check_real("lr", lr), check_real("lr_min", lr_min)
    period = _count("period", period)
    period_mult = _count("period_mult", period_mult)

    def rule(t):
        k, length = t - 1, period  # k: steps into the current cosine, whose length is `length`
        if period_mult == 1:
            k %= period
        while k >= length:  # in whole numbers, as torch counts, so restarts land exactly
            k, length = k - length, length * period_mult
        return _cosine(lr, length, lr_min, k)

    settings = {"lr": lr, "period": period, "period_mult": period_mult, "lr_min": lr_min}
    return Schedule("cosine_restarts", settings, rule)


def _linear(lr, warmup_steps, start_factor, k):
    return lr * (start_factor + (1 - start_factor) * min(k, warmup_steps) / warmup_steps)


def linear_warmup(lr, warmup_steps, start_factor=0.01):
    """From start_factor * lr up to lr in a straight line over warmup_steps steps, then lr
    (torch's LinearLR with end_factor = 1)."""
    lr = check_real("lr", lr)
    start_factor = check_real("start_factor", start_factor)
    warmup_steps = _count("warmup_steps", warmup_steps)
    return Schedule("linear_warmup",
                    {"lr": lr, "warmup_steps": warmup_steps, "start_factor": start_factor},
                    lambda t: _linear(lr, warmup_steps, start_factor, t - 1))


def warmup_cosine(lr, warmup_steps, total_steps, start_factor=0.01, lr_min=0.0):
    """linear_warmup for warmup_steps steps, then cosine down to lr_min by total_steps
    (torch's SequentialLR of LinearLR and CosineAnnealingLR, milestone warmup_steps)."""
    lr, lr_min = check_real("lr", lr), check_real("lr_min", lr_min)
    start_factor = check_real("start_factor", start_factor)
    warmup_steps = _count("warmup_steps", warmup_steps)
    total_steps = _count("total_steps", total_steps, least=warmup_steps + 1)

    def rule(t):
        k = t - 1
        if k < warmup_steps:
            return _linear(lr, warmup_steps, start_factor, k)
        return _cosine(lr, total_steps - warmup_steps, lr_min, k - warmup_steps)

    settings = {"lr": lr, "warmup_steps": warmup_steps, "total_steps": total_steps,
                "start_factor": start_factor, "lr_min": lr_min}
    return Schedule("warmup_cosine", settings, rule)


def one_cycle(max_lr, total_steps, pct_start=0.3, div_factor=25.0, final_div_factor=1e4):
    """Smith's one-cycle policy (torch's OneCycleLR, two phases, cosine annealing).

    Rises from max_lr / div_factor to max_lr over the first pct_start of the
    steps, then falls to max_lr / (div_factor * final_div_factor) at the last
    step. (torch's OneCycleLR also cycles the momentum by default; this is the
    learning rate alone.)
    """
    max_lr = check_real("max_lr", max_lr)
    total_steps = _count("total_steps", total_steps, least=2)
    pct_start = check_real("pct_start", pct_start)
    div_factor = check_real("div_factor", div_factor)
    final_div_factor = check_real("final_div_factor", final_div_factor)
    initial = max_lr / div_factor
    final = initial / final_div_factor
    peak = float(pct_start * total_steps) - 1  # the step (from 0) at which lr = max_lr
    if not 0 < peak < total_steps - 1:
        raise ValueError(
            f"pct_start * total_steps must leave both phases at least one step; "
            f"got pct_start={pct_start!r}, total_steps={total_steps!r}"
        )

    def anneal(start, end, pct):
        return end + (start - end) / 2 * (math.cos(math.pi * pct) + 1)

    def rule(t):
        k = t - 1
        if k <= peak:
            return anneal(initial, max_lr, k / peak)
        return anneal(max_lr, final, (k - peak) / (total_steps - 1 - peak))

    settings = {"max_lr": max_lr, "total_steps": total_steps, "pct_start": pct_start,
                "div_factor": div_factor, "final_div_factor": final_div_factor}
    return Schedule("one_cycle", settings, rule)


# The explorer's menu (each shaped for a run by `preset`). cosine_restarts is not in it
# yet: the book's schedule figures compare these seven.
SCHEDULES = {
    f.__name__: f
    for f in (constant, step, exponential, cosine, linear_warmup, warmup_cosine, one_cycle)
}


def preset(name, lr, steps):
    """``name``'s schedule with lr as its peak, shaped for a run of ``steps`` steps.

    The settings the explorer and the book's figures use: a step decay by 10
    at 1/2 and 3/4 of the run is not one schedule here, so ``step`` divides by
    10 at every third of the run; warmups take a tenth of the run.
    """
    steps = _count("steps", steps, least=10)
    makers = {
        "constant": lambda: constant(lr),
        "step": lambda: step(lr, step_size=math.ceil(steps / 3), gamma=0.1),
        "exponential": lambda: exponential(lr, gamma=0.01 ** (1 / steps)),
        "cosine": lambda: cosine(lr, total_steps=steps),
        "linear_warmup": lambda: linear_warmup(lr, warmup_steps=max(steps // 10, 1)),
        "warmup_cosine": lambda: warmup_cosine(lr, warmup_steps=max(steps // 10, 1), total_steps=steps),
        "one_cycle": lambda: one_cycle(lr, total_steps=steps),
    }
    if name not in makers:
        raise ValueError(f"name must be one of {list(makers)}; got {name!r}")
    return makers[name]()
