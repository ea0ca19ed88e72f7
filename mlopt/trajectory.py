"""Running an optimizer on a 2D surface: one path, many paths, a grid of settings.

`trajectory` runs any `mlopt` optimizer on a gradient function, from one start
or a batch of starts, with scalar or broadcasting hyperparameters, in one
vectorised loop. `sweep` turns a grid of two hyperparameters into a map of
final loss (a stability map). Nothing here knows any update rule: the steps
come from the optimizers themselves.
"""

from typing import NamedTuple

import numpy as np

# A point farther than this from the plotting box (in box sizes) has diverged.
ESCAPE = 10.0


def _grad_and_bounds(surface_or_grad):
    if hasattr(surface_or_grad, "grad") and hasattr(surface_or_grad, "bounds"):
        return surface_or_grad.grad, surface_or_grad.bounds
    if not callable(surface_or_grad):
        raise TypeError(
            f"grad must be a function of points (..., 2) or a Surface; got {surface_or_grad!r}"
        )
    return surface_or_grad, None


def _batch_shape(opt, x0):
    """The shape of the parameters: x0 broadcast against every array hyperparameter.

    A schedule counts with the shape of its value at t = 1, so a schedule that
    returns a grid (``lambda t: lrs[:, None] * decay(t)``) runs the whole grid.
    """
    shapes = {k: np.shape(v(1) if callable(v) else v) for k, v in opt.hyperparams.items()}
    try:
        return np.broadcast_shapes(x0.shape, *shapes.values())
    except ValueError:
        detail = ", ".join(f"{k}: {shape}" for k, shape in shapes.items())
        raise ValueError(
            f"x0 of shape {x0.shape} does not broadcast with the hyperparameters ({detail}); "
            f"give grids a trailing axis of length 1, e.g. lr[:, None]"
        ) from None


def iterate(opt, surface_or_grad, x0, steps, evaluated=False):
    """Yield the points after 0, 1, ..., ``steps`` updates (arrays of one batch shape).

    An entry that overflows or leaves the plotting box by more than ``ESCAPE``
    box sizes has diverged: from then on it is NaN, and no warning is raised.
    With ``evaluated``, the points yielded are those the model would be evaluated
    at (`Optimizer.evaluated`: ASGD's and Schedule-Free's average), not the iterates.
    """
    for x, average in _run(opt, surface_or_grad, x0, steps):
        yield average if evaluated else x


def _box(bounds):
    """The region a point may not leave: the plotting box grown by ESCAPE box sizes."""
    if bounds is None:
        return np.full(2, -1e6), np.full(2, 1e6)
    box = np.array(bounds, dtype=float)
    size = box[:, 1] - box[:, 0]
    return box[:, 0] - ESCAPE * size, box[:, 1] + ESCAPE * size


def _run(opt, surface_or_grad, x0, steps):
    """Yield ``(iterate, point to evaluate)`` after 0, 1, ..., ``steps`` updates: one run for both."""
    grad, bounds = _grad_and_bounds(surface_or_grad)
    x0 = np.asarray(x0, dtype=float)
    if x0.shape[-1:] != (2,):
        raise ValueError(f"x0 must have shape (..., 2); got {x0.shape}")
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"steps must be >= 0; got {steps}")
    x = np.array(np.broadcast_to(x0, _batch_shape(opt, x0)))
    if hasattr(opt, "step"):  # L-BFGS, Newton: they evaluate the loss themselves
        for row in _closure_paths(opt, surface_or_grad, x, steps):
            yield row, row
        return
    low, high = _box(bounds)
    lowest, highest = low.min(), high.max()
    state = opt.init(x)
    buffers = [state.slots[slot] for slot in opt.slot_names]
    shown = opt.slot_names.index(opt.evaluate_at) if opt.evaluate_at else None
    yield x, x
    with np.errstate(all="ignore"):
        for t in range(1, steps + 1):
            x, buffers = opt.array_step(x, grad(x), buffers, t)  # init checked x and the state
            if not (x.min() >= lowest and x.max() <= highest):  # NaN fails this too
                escaped = ~np.all((x >= low) & (x <= high), axis=-1)
                x = np.where(escaped[..., None], np.nan, x)
            yield x, (x if shown is None else np.where(np.isnan(x), np.nan, buffers[shown]))


def _closure_paths(opt, surface, x, steps):
    """The paths of an optimizer that takes a closure (`mlopt.closure`), one entry of the batch at a
    time: each entry is its own optimisation (L-BFGS's line search decides per run)."""
    if not (hasattr(surface, "f") and hasattr(surface, "grad")):
        raise TypeError(f"mlopt.{opt.name} evaluates the loss itself: give it a Surface (f, grad"
                        f"{', hessian' if opt.hessian else ''}), not a gradient function")
    if opt.hessian and surface.hessian is None:
        raise TypeError(f"mlopt.{opt.name} needs the Hessian: {surface.name} has none")
    low, high = _box(surface.bounds)

    def closure(point):
        loss, g = surface.f(point), surface.grad(point)
        return (loss, g, surface.hessian(point)) if opt.hessian else (loss, g)

    paths = np.full((steps + 1, *x.shape), np.nan)  # NaN: diverged
    paths[0] = x
    with np.errstate(all="ignore"):
        for index in np.ndindex(x.shape[:-1]):
            one = opt.entry(index, x.shape)
            point = x[index]
            state = one.init(point)
            for t in range(1, steps + 1):
                try:
                    new, new_state = one.step(closure, state, point)
                except np.linalg.LinAlgError:  # Newton's step does not exist there: diverged
                    break
                if not np.all((new >= low) & (new <= high)):  # NaN fails this too
                    break
                paths[(t, *index)] = new
                if not surface.noise and t > 2 and _settled(opt, point, state, new, new_state):
                    paths[(slice(t + 1, None), *index)] = new  # every later step would repeat this one
                    break
                point, state = new, new_state
    return paths


def _settled(opt, point, state, new, new_state):
    """A step on an exact surface that changed neither the point nor the state (but its counters) is
    repeated by every later step: the run has settled (L-BFGS once its step is below tolerance_change,
    Newton once its step rounds to nothing)."""
    return np.array_equal(point, new) and all(
        np.array_equal(state.slots[key], new_state.slots[key], equal_nan=True)
        for key in opt.slot_names if key not in opt.counters)


def trajectory(opt, surface_or_grad, x0, steps, evaluated=False):
    """The path of ``opt`` from ``x0``: an array of shape ``(steps + 1, *batch, 2)``.

    ``surface_or_grad`` is a `Surface` (its ``grad``, and its bounds to tell
    divergence) or any function mapping points ``(..., 2)`` to gradients.
    ``x0`` has shape ``(..., 2)``: leading axes are a batch of starts. With
    array hyperparameters (``mlopt.adam(lr=lrs[:, None])``), x0 is broadcast
    against them and one call runs the whole grid. Row 0 is the start; a
    diverged entry is NaN from the step it diverged (see `diverged_at`). With
    ``evaluated``, the path of the points to evaluate (Schedule-Free's x, ASGD's
    average) instead of the iterates.
    """
    return np.stack(list(iterate(opt, surface_or_grad, x0, steps, evaluated)))


def trajectory_and_average(opt, surface_or_grad, x0, steps):
    """``(path, average)`` from one run: the path of `trajectory`, and for an optimizer that keeps
    an average to evaluate (ASGD, Schedule-Free) the path of that average, else None."""
    paths, averages = zip(*_run(opt, surface_or_grad, x0, steps), strict=True)
    return np.stack(paths), (np.stack(averages) if opt.evaluate_at else None)


def diverged_at(path):
    """Per entry of a path, the first step at which it diverged, or -1 if it did not."""
    bad = np.isnan(path).any(axis=-1)
    first = np.argmax(bad, axis=0)
    return np.where(bad.any(axis=0), first, -1)


class Sweep(NamedTuple):
    """The final loss over a grid of two hyperparameters."""

    names: tuple  # (name along axis 0, name along axis 1)
    values: tuple  # (1-D array, 1-D array)
    loss: np.ndarray  # (len(values[0]), len(values[1])): final J - J_min; inf if diverged
    steps: int


def sweep(factory, surface, steps, start=None, **grid):
    """Run ``factory`` over every pair of the two hyperparameter arrays in ``grid``.

    Example: ``sweep(mlopt.momentum, surface, 200, lr=np.logspace(-3, 0, 40),
    beta=np.linspace(0, 0.99, 30))``. Other hyperparameters may be given as
    scalars in ``grid``. One vectorised run; returns a `Sweep`.
    """
    axes = [(name, np.asarray(v, dtype=float)) for name, v in grid.items() if np.ndim(v) == 1]
    fixed = {name: v for name, v in grid.items() if np.ndim(v) != 1}
    if len(axes) != 2:
        raise ValueError(
            f"sweep needs exactly two 1-D hyperparameter arrays; got {[n for n, _ in axes]}"
        )
    (name0, values0), (name1, values1) = axes
    opt = factory(**fixed, **{name0: values0[:, None, None], name1: values1[None, :, None]})
    start = surface.start if start is None else np.asarray(start, dtype=float)
    for x in iterate(opt, surface, start, steps):  # noqa: B007  (the last x is the result)
        pass
    with np.errstate(invalid="ignore"):
        loss = surface.f(x) - surface.f_min
    loss = np.where(np.isfinite(loss), loss, np.inf)
    return Sweep((name0, name1), (values0, values1), loss, int(steps))
