"""One Adam update on 10^7 float64 parameters: mlopt against torch and the memory bound.

Prints, from measurements made in this run:
- mlopt's time for ``adam.update``, pure (new params and state, nothing in place) and
  with ``donate=True`` (the new values written into the old params' and state's arrays);
- torch.optim.Adam's time (foreach, one thread), if torch is installed;
- the memory-bandwidth bound: the bytes Adam must move (read theta, g, m, v; write
  theta, m, v: 7 arrays) divided by the measured copy bandwidth of this machine;
- the peak memory each path allocates beyond its inputs (tracemalloc sees numpy's arrays);
and the ratios between them. Targets: pure <= 1.3x torch, donated <= 1.0x torch.

Run: ``make bench`` or ``.venv/bin/python benchmarks/adam_update.py [--n N]``.
"""

import argparse
import statistics
import time
import tracemalloc

import numpy as np

import mlopt


def median_time(fn, repeats):
    fn()  # warm up: first-touch page faults, caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def copy_bandwidth(n, repeats):
    """Bytes per second of np.copyto on n float64 (one read + one write per element)."""
    src, dst = np.random.default_rng(0).normal(size=n), np.empty(n)
    seconds = median_time(lambda: np.copyto(dst, src), repeats)
    return 2 * 8 * n / seconds


def time_mlopt(n, repeats, donate):
    """Median seconds per update, and the peak bytes one update allocates."""
    rng = np.random.default_rng(1)
    theta, g = rng.normal(size=n), rng.normal(size=n)
    opt = mlopt.adam(lr=1e-3)
    state = opt.init(theta)
    theta, state = opt.update(g, state, theta)  # non-zero moments, t = 1
    if donate:  # every call writes into the same arrays, as a training loop would
        def step():
            opt.update(g, state, theta, donate=True)
    else:
        def step():
            opt.update(g, state, theta)
    seconds = median_time(step, repeats)
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak


def time_torch(n, repeats):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    param = torch.zeros(n, dtype=torch.float64, requires_grad=True)
    param.grad = torch.randn(n, dtype=torch.float64)
    opt = torch.optim.Adam([param], lr=1e-3, foreach=True)
    return median_time(opt.step, repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10**7, help="number of parameters")
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    n = args.n

    bandwidth = copy_bandwidth(n, args.repeats)
    bound = 7 * 8 * n / bandwidth
    pure, pure_peak = time_mlopt(n, args.repeats, donate=False)
    donated, donated_peak = time_mlopt(n, args.repeats, donate=True)
    theirs = time_torch(n, args.repeats)

    print(f"Adam update, {n:.0e} float64 parameters ({8 * n / 1e6:.0f} MB per array), median of {args.repeats}")
    print(f"  copy bandwidth            {bandwidth / 1e9:8.2f} GB/s")
    print(f"  memory bound (7 arrays)   {bound * 1e3:8.1f} ms")
    for label, ours, peak in (("mlopt.adam, pure", pure, pure_peak), ("mlopt.adam, donated", donated, donated_peak)):
        print(f"  {label:24s}  {ours * 1e3:8.1f} ms   {ours / bound:5.2f}x the bound   "
              f"peak {peak / 1e6:6.1f} MB allocated")
    if theirs is None:
        print("  torch.optim.Adam          (torch not installed)")
        return
    print(f"  torch Adam (foreach, 1T)  {theirs * 1e3:8.1f} ms   {theirs / bound:5.2f}x the bound")
    for label, ours, target in (("pure", pure, 1.3), ("donated", donated, 1.0)):
        verdict = "meets" if ours <= target * theirs else "MISSES"
        print(f"  {label + ' / torch':24s}  {ours / theirs:8.2f}x   ({verdict} the {target}x target)")


if __name__ == "__main__":
    main()
