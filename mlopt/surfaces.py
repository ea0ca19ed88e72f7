"""Two-dimensional loss surfaces with analytic gradients, for pictures and tests.

Every surface takes points of shape ``(..., 2)``: ``f(xy)`` returns shape ``(...)``,
``grad(xy)`` shape ``(..., 2)`` and ``hessian(xy)`` shape ``(..., 2, 2)`` (the
curvature Newton's method needs), so one call evaluates a whole batch of
points (many starts, a grid of learning rates, a contour grid).

``SURFACES`` maps a name to a factory; calling it with no arguments gives the
defaults (``SURFACES["quadratic"](condition=50, angle=30)`` gives another bowl).
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np


@dataclass(frozen=True)
class Surface:
    """A loss J(x, y) with its gradient, its Hessian, global minima, plotting box and a start."""

    name: str
    f: Callable  # (..., 2) -> (...)
    grad: Callable  # (..., 2) -> (..., 2)
    minima: np.ndarray  # (k, 2): every global minimum
    bounds: tuple  # ((xmin, xmax), (ymin, ymax)) for plotting
    start: np.ndarray  # (2,): a default start point
    formula: str = ""  # LaTeX, for titles
    noise: float = 0.0  # standard deviation of the noise added to each gradient
    seed: int = field(default=0, compare=False)
    exact_grad: Callable = field(default=None, repr=False, compare=False)  # grad without noise
    hessian: Callable = field(default=None, repr=False, compare=False)  # (..., 2) -> (..., 2, 2), exact

    @property
    def f_min(self):
        """The value at the global minima."""
        return float(np.min(self.f(self.minima)))

    def with_noise(self, sigma, seed=0):
        """The same surface with stochastic gradients: ``grad + sigma * N(0, I)``.

        Each call of the new ``grad`` draws fresh noise from a generator seeded
        with ``seed``, so a run repeated on a new ``with_noise(sigma, seed)``
        sees the same noise. ``f`` stays exact.
        """
        sigma = float(sigma)
        if not sigma >= 0:
            raise ValueError(f"sigma must be >= 0; got {sigma!r}")
        exact = self.exact_grad or self.grad
        if sigma == 0:
            return replace(self, grad=exact, noise=0.0, seed=seed, exact_grad=None)
        rng = np.random.default_rng(seed)

        def noisy_grad(xy):
            g = exact(xy)
            return g + sigma * rng.standard_normal(g.shape)

        return replace(self, grad=noisy_grad, noise=sigma, seed=seed, exact_grad=exact)


def _xy(points):
    points = np.asarray(points, dtype=float)
    if points.shape[-1:] != (2,):
        raise ValueError(f"points must have shape (..., 2); got {points.shape}")
    return points[..., 0], points[..., 1]


def _matrix(xx, xy, yy):
    """Hessian entries (...) -> the symmetric (..., 2, 2)."""
    xx, xy, yy = np.broadcast_arrays(*map(np.asarray, (xx, xy, yy)))
    return np.stack([np.stack([xx, xy], axis=-1), np.stack([xy, yy], axis=-1)], axis=-2).astype(float)


def _central_differences(fn, xy, step=1e-6):
    """d fn / d(x, y) by central differences, on a new last axis (a gradient from f, a Hessian from grad)."""
    xy = np.asarray(xy, dtype=float)
    h = step * np.maximum(1.0, np.abs(xy))
    parts = []
    for i in range(2):
        step = np.zeros_like(xy)
        step[..., i] = h[..., i]
        difference = fn(xy + step) - fn(xy - step)
        width = (2 * h[..., i]).reshape(h.shape[:-1] + (1,) * (difference.ndim - h.ndim + 1))
        parts.append(difference / width)
    return np.stack(parts, axis=-1)


def _stack(dx, dy):
    """Gradient components (...) and (...) -> (..., 2)."""
    out = np.empty(np.broadcast_shapes(np.shape(dx), np.shape(dy)) + (2,))
    out[..., 0], out[..., 1] = dx, dy
    return out


def quadratic(condition=10.0, angle=0.0):
    """J = (lambda_1 u^2 + lambda_2 v^2) / 2 with (u, v) the axes turned by ``angle`` degrees.

    The curvatures are 1 and ``condition``, so gradient descent is stable for
    lr < 2 / condition. ``angle`` turns the bowl away from the coordinate axes,
    which matters to the per-coordinate methods (AdaGrad, RMSProp, Adam).
    """
    condition, angle = float(condition), float(angle)
    if not condition >= 1:
        raise ValueError(f"condition must be >= 1; got {condition!r}")
    c, s = np.cos(np.radians(angle)), np.sin(np.radians(angle))
    hessian = np.array([[c, -s], [s, c]]) @ np.diag([1.0, condition]) @ np.array([[c, s], [-s, c]])

    def f(xy):
        xy = np.asarray(xy, dtype=float)
        return 0.5 * np.einsum("...i,ij,...j->...", xy, hessian, xy)

    def grad(xy):
        return np.asarray(xy, dtype=float) @ hessian  # the Hessian is symmetric

    def hessian_at(xy):
        return np.broadcast_to(hessian, np.shape(xy)[:-1] + (2, 2)).copy()

    return Surface(
        "quadratic",
        f,
        grad,
        hessian=hessian_at,
        minima=np.zeros((1, 2)),
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        start=np.array([-1.8, 1.2]),
        formula=rf"\frac{{1}}{{2}} (u^2 + {condition:g} v^2)" + (rf",\ {angle:g}^\circ" if angle else ""),
    )


def rosenbrock(a=1.0, b=100.0):
    """Rosenbrock (1960): J = (a - x)^2 + b (y - x^2)^2, a curved, flat-bottomed valley."""

    def f(xy):
        x, y = _xy(xy)
        return (a - x) ** 2 + b * (y - x**2) ** 2

    def grad(xy):
        x, y = _xy(xy)
        return _stack(-2 * (a - x) - 4 * b * x * (y - x**2), 2 * b * (y - x**2))

    def hessian(xy):
        x, y = _xy(xy)
        return _matrix(2 - 4 * b * (y - x**2) + 8 * b * x**2, -4 * b * x, np.full_like(x, 2 * b))

    return Surface(
        "rosenbrock",
        f,
        grad,
        hessian=hessian,
        minima=np.array([[a, a**2]]),
        bounds=((-2.0, 2.0), (-1.0, 3.0)),
        start=np.array([-1.2, 1.0]),
        formula=rf"({a:g} - x)^2 + {b:g}(y - x^2)^2",
    )


def beale():
    """Beale (1958): sharp ridges and flat corners; minimum 0 at (3, 0.5)."""
    constants = (1.5, 2.25, 2.625)

    def f(xy):
        x, y = _xy(xy)
        return sum((c - x + x * y ** (k + 1)) ** 2 for k, c in enumerate(constants))

    def grad(xy):
        x, y = _xy(xy)
        dx = dy = 0.0
        for k, c in enumerate(constants):
            r = c - x + x * y ** (k + 1)
            dx = dx + 2 * r * (y ** (k + 1) - 1)
            dy = dy + 2 * r * (k + 1) * x * y**k
        return _stack(dx, dy)

    def hessian(xy):  # sum over the residuals r of 2 (grad r grad r^T + r Hess r)
        x, y = _xy(xy)
        xx = xy_ = yy = 0.0
        for k, c in enumerate(constants):
            n = k + 1
            r, rx, ry = c - x + x * y**n, y**n - 1, n * x * y**k
            xx = xx + 2 * rx * rx
            xy_ = xy_ + 2 * (rx * ry + r * n * y**k)
            yy = yy + 2 * (ry * ry + r * n * k * x * y ** max(k - 1, 0))
        return _matrix(xx, xy_, yy)

    return Surface(
        "beale",
        f,
        grad,
        hessian=hessian,
        minima=np.array([[3.0, 0.5]]),
        bounds=((-4.5, 4.5), (-4.5, 4.5)),
        start=np.array([1.0, 1.5]),
        formula=r"\sum_{k=1}^{3} (c_k - x + x y^k)^2",
    )


def himmelblau():
    """Himmelblau (1972): four global minima, all with value 0."""

    def f(xy):
        x, y = _xy(xy)
        return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2

    def grad(xy):
        x, y = _xy(xy)
        a, b = x**2 + y - 11, x + y**2 - 7
        return _stack(4 * x * a + 2 * b, 2 * a + 4 * y * b)

    def hessian(xy):
        x, y = _xy(xy)
        a, b = x**2 + y - 11, x + y**2 - 7
        return _matrix(8 * x**2 + 4 * a + 2, 4 * x + 4 * y, 8 * y**2 + 4 * b + 2)

    return Surface(
        "himmelblau",
        f,
        grad,
        hessian=hessian,
        minima=np.array(
            [
                [3.0, 2.0],
                [-2.805118086952745, 3.131312518250573],
                [-3.779310253377747, -3.283185991286170],
                [3.584428340330492, -1.848126526964404],
            ]
        ),
        bounds=((-5.0, 5.0), (-5.0, 5.0)),
        start=np.array([-0.3, -0.9]),
        formula=r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
    )


def saddle():
    """J = x^2 + y^4 / 4 - y^2 / 2: a saddle at the origin between minima at (0, +-1)."""

    def f(xy):
        x, y = _xy(xy)
        return x**2 + y**4 / 4 - y**2 / 2

    def grad(xy):
        x, y = _xy(xy)
        return _stack(2 * x, y**3 - y)

    def hessian(xy):
        x, y = _xy(xy)
        return _matrix(np.full_like(x, 2.0), np.zeros_like(x), 3 * y**2 - 1)

    return Surface(
        "saddle",
        f,
        grad,
        hessian=hessian,
        minima=np.array([[0.0, -1.0], [0.0, 1.0]]),
        bounds=((-2.0, 2.0), (-2.0, 2.0)),
        start=np.array([-1.8, 1e-3]),
        formula=r"x^2 + y^4/4 - y^2/2",
    )


def rastrigin(amplitude=10.0):
    """Rastrigin (1974): a bowl covered in local minima; global minimum 0 at the origin."""

    def f(xy):
        xy = np.asarray(xy, dtype=float)
        return np.sum(xy**2 - amplitude * np.cos(2 * np.pi * xy), axis=-1) + 2 * amplitude

    def grad(xy):
        xy = np.asarray(xy, dtype=float)
        return 2 * xy + 2 * np.pi * amplitude * np.sin(2 * np.pi * xy)

    def hessian(xy):
        diagonal = 2 + 4 * np.pi**2 * amplitude * np.cos(2 * np.pi * np.asarray(xy, dtype=float))
        return _matrix(diagonal[..., 0], np.zeros_like(diagonal[..., 0]), diagonal[..., 1])

    return Surface(
        "rastrigin",
        f,
        grad,
        hessian=hessian,
        minima=np.zeros((1, 2)),
        bounds=((-5.12, 5.12), (-5.12, 5.12)),
        start=np.array([2.2, -3.1]),
        formula=rf"{2 * amplitude:g} + \sum_i (x_i^2 - {amplitude:g}\cos 2\pi x_i)",
    )


def booth():
    """Booth: J = (x + 2y - 7)^2 + (2x + y - 5)^2, a tilted bowl; minimum 0 at (1, 3)."""

    def f(xy):
        x, y = _xy(xy)
        return (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2

    def grad(xy):
        x, y = _xy(xy)
        a, b = x + 2 * y - 7, 2 * x + y - 5
        return _stack(2 * a + 4 * b, 4 * a + 2 * b)

    def hessian(xy):
        return np.broadcast_to(np.array([[10.0, 8.0], [8.0, 10.0]]), np.shape(xy)[:-1] + (2, 2)).copy()

    return Surface(
        "booth",
        f,
        grad,
        hessian=hessian,
        minima=np.array([[1.0, 3.0]]),
        bounds=((-10.0, 10.0), (-10.0, 10.0)),
        start=np.array([-8.0, -6.0]),
        formula=r"(x + 2y - 7)^2 + (2x + y - 5)^2",
    )


def plateau(width=2.0):
    """J = 1 - exp(-(x^2 + 4 y^2) / (2 width^2)): a narrow well in a nearly flat plain.

    Far from the well the gradient is tiny: plain gradient descent crawls, while
    methods that divide by the gradient's size take full steps.
    """

    def f(xy):
        x, y = _xy(xy)
        return 1 - np.exp(-(x**2 + 4 * y**2) / (2 * width**2))

    def grad(xy):
        x, y = _xy(xy)
        e = np.exp(-(x**2 + 4 * y**2) / (2 * width**2)) / width**2
        return _stack(x * e, 4 * y * e)

    def hessian(xy):  # e^-q (Hess q - grad q grad q^T), q = (x^2 + 4 y^2) / (2 width^2)
        x, y = _xy(xy)
        e = np.exp(-(x**2 + 4 * y**2) / (2 * width**2)) / width**2
        return _matrix(e * (1 - x**2 / width**2), -e * 4 * x * y / width**2, e * (4 - 16 * y**2 / width**2))

    return Surface(
        "plateau",
        f,
        grad,
        hessian=hessian,
        minima=np.zeros((1, 2)),
        bounds=((-6.0, 6.0), (-4.0, 4.0)),
        start=np.array([4.0, 2.0]),
        formula=rf"1 - e^{{-(x^2 + 4y^2)/{2 * width**2:g}}}",
    )


def custom(f, grad=None, *, bounds, start, minima=None, name="custom", formula=""):
    """A surface from your own ``f`` (vectorised over ``(..., 2)``).

    Without ``grad``, the gradient is taken by central differences. Without
    ``minima``, the lowest point of a 401 x 401 grid over ``bounds`` stands in
    for the global minimum (approximate: give ``minima`` when you know them).
    """
    if grad is None:

        def grad(xy):
            return _central_differences(f, xy)

    def hessian(xy):  # of the gradient, by central differences (a wider step: grad may be differences too)
        return _central_differences(grad, xy, step=1e-4)

    if minima is None:
        (x0, x1), (y0, y1) = bounds
        grid = np.stack(np.meshgrid(np.linspace(x0, x1, 401), np.linspace(y0, y1, 401)), axis=-1)
        values = f(grid)
        minima = grid[np.unravel_index(np.argmin(values), values.shape)][None, :]
    return Surface(
        name,
        f,
        grad,
        minima=np.atleast_2d(np.asarray(minima, dtype=float)),
        bounds=tuple(tuple(map(float, b)) for b in bounds),
        start=np.asarray(start, dtype=float),
        formula=formula,
        hessian=hessian,
    )


SURFACES = {
    factory.__name__: factory
    for factory in (quadratic, rosenbrock, beale, himmelblau, saddle, rastrigin, booth, plateau)
}
