"""A stability sweep: 10^4 (lr, beta) settings x 500 steps on Rosenbrock, in one run.

Compares, in the same run, `mlopt.sweep` (one vectorised run: every setting is
an entry of the parameter array) with a Python loop that runs each setting on
its own, timed on a random sample of the settings and scaled to all of them.
Targets: the sweep <= 1 s and >= 100x the loop.

Run: ``make bench`` or ``.venv/bin/python benchmarks/sweep.py [--optimizer adam]``.
"""

import argparse
import time

import numpy as np

import mlopt

STEPS, SIDE, SAMPLE = 500, 100, 30


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--optimizer", choices=["momentum", "adam"], default="momentum")
    args = parser.parse_args()
    surface = mlopt.SURFACES["rosenbrock"]()
    factory = mlopt.OPTIMIZERS[args.optimizer]
    beta_name = "beta" if args.optimizer == "momentum" else "beta1"
    lrs, betas = np.logspace(-5, -1, SIDE), np.linspace(0.0, 0.99, SIDE)

    start = time.perf_counter()
    result = mlopt.sweep(factory, surface, STEPS, **{"lr": lrs, beta_name: betas})
    vectorised = time.perf_counter() - start

    rng = np.random.default_rng(0)
    sample = [(rng.integers(SIDE), rng.integers(SIDE)) for _ in range(SAMPLE)]
    start = time.perf_counter()
    for i, j in sample:
        opt = factory(**{"lr": lrs[i], beta_name: betas[j]})
        end = mlopt.trajectory(opt, surface, surface.start, STEPS)[-1]
        loss = surface.f(end) - surface.f_min if np.isfinite(end).all() else np.inf
        assert loss == result.loss[i, j]  # the same numbers, setting by setting
    loop = (time.perf_counter() - start) / SAMPLE * SIDE * SIDE

    print(f"{SIDE * SIDE} ({'lr'}, {beta_name}) settings x {STEPS} steps of {args.optimizer} on Rosenbrock")
    print(f"  mlopt.sweep (vectorised)      {vectorised:8.2f} s   (target <= 1 s)")
    print(f"  one setting at a time (est.)  {loop:8.1f} s   (from {SAMPLE} settings timed)")
    print(f"  speed-up                      {loop / vectorised:8.0f}x  (target >= 100x)")
    print(f"  settings that diverged        {np.isinf(result.loss).mean():8.1%}")


if __name__ == "__main__":
    main()
