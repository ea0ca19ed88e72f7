"""Surfaces: analytic gradients against finite differences, minima as published."""

import numpy as np
import pytest

import mlopt
from mlopt import surfaces

ALL = {name: make() for name, make in mlopt.SURFACES.items()}
ALL["quadratic-rotated"] = surfaces.quadratic(condition=50, angle=30)


def random_points(surface, n=200, seed=0):
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(seed)
    return np.stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)], axis=-1)


def central_differences(f, xy, h=1e-6):
    out = np.empty_like(xy)
    for i in range(2):
        step = np.zeros(2)
        step[i] = h
        out[..., i] = (f(xy + step) - f(xy - step)) / (2 * h)
    return out


@pytest.mark.parametrize("name", sorted(ALL))
def test_gradient_matches_finite_differences(name):
    surface = ALL[name]
    xy = random_points(surface)
    analytic, numeric = surface.grad(xy), central_differences(surface.f, xy)
    scale = np.maximum(1.0, np.abs(analytic))
    assert np.max(np.abs(analytic - numeric) / scale) < 1e-5


@pytest.mark.parametrize("name", sorted(ALL))
def test_shapes_are_vectorised(name):
    surface = ALL[name]
    xy = random_points(surface, 12).reshape(3, 4, 2)
    assert surface.f(xy).shape == (3, 4)
    assert surface.grad(xy).shape == (3, 4, 2)
    assert surface.f(xy[0, 0]).shape == ()
    assert np.allclose(surface.f(xy)[1, 2], surface.f(xy[1, 2]))


# Global minima and their values as published (Rosenbrock 1960; Beale 1958;
# Himmelblau 1972; Rastrigin 1974; the Booth test function).
PUBLISHED = {
    "rosenbrock": ([[1, 1]], 0.0),
    "beale": ([[3, 0.5]], 0.0),
    "himmelblau": ([[3, 2], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]], 0.0),
    "rastrigin": ([[0, 0]], 0.0),
    "booth": ([[1, 3]], 0.0),
    "quadratic": ([[0, 0]], 0.0),
    "quadratic-rotated": ([[0, 0]], 0.0),
    "saddle": ([[0, -1], [0, 1]], -0.25),
    "plateau": ([[0, 0]], 0.0),
}


@pytest.mark.parametrize("name", sorted(ALL))
def test_minima_are_the_published_ones(name):
    surface = ALL[name]
    points, value = PUBLISHED[name]
    assert np.allclose(surface.minima, points, atol=1e-6)
    assert np.allclose(surface.f(surface.minima), value, atol=1e-12)
    assert np.allclose(surface.grad(surface.minima), 0, atol=1e-12)
    assert surface.f_min == pytest.approx(value, abs=1e-12)
    # No point of a fine grid over the box is lower than the minima.
    (x0, x1), (y0, y1) = surface.bounds
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 301), np.linspace(y0, y1, 301)), axis=-1)
    assert surface.f(grid).min() >= value - 1e-9


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_start_is_inside_the_box_and_not_a_minimum(name):
    surface = ALL[name]
    (x0, x1), (y0, y1) = surface.bounds
    assert x0 < surface.start[0] < x1 and y0 < surface.start[1] < y1
    assert surface.f(surface.start) > surface.f_min + 1e-3


def test_the_quadratic_has_the_curvatures_it_is_given():
    surface = surfaces.quadratic(condition=25, angle=40)
    hessian = np.stack([surface.grad(np.eye(2)[i]) for i in range(2)])
    assert np.allclose(np.linalg.eigvalsh(hessian), [1, 25])
    with pytest.raises(ValueError, match="condition must be >= 1; got 0.5"):
        surfaces.quadratic(condition=0.5)


def test_noise_is_gaussian_and_repeatable():
    surface = surfaces.quadratic()
    noisy = surface.with_noise(0.5, seed=3)
    xy = np.zeros((20000, 2))
    noise = noisy.grad(xy)
    assert abs(noise.mean()) < 0.02 and abs(noise.std() - 0.5) < 0.01
    again = surface.with_noise(0.5, seed=3)
    assert np.array_equal(again.grad(xy), noise)
    assert not np.array_equal(noisy.grad(xy), noise)  # fresh noise at each call
    assert np.array_equal(noisy.f(xy), surface.f(xy))
    assert noisy.with_noise(0).grad is surface.grad
    with pytest.raises(ValueError, match="sigma must be >= 0; got -1.0"):
        surface.with_noise(-1)


def test_a_surface_from_the_readers_own_function():
    def f(xy):
        return (xy[..., 0] - 1) ** 2 + 3 * (xy[..., 1] + 0.5) ** 2

    surface = surfaces.custom(f, bounds=((-2, 2), (-2, 2)), start=(1.5, 1.5))
    xy = random_points(surface)
    exact = np.stack([2 * (xy[:, 0] - 1), 6 * (xy[:, 1] + 0.5)], axis=-1)
    assert np.allclose(surface.grad(xy), exact, atol=1e-6)
    assert np.allclose(surface.minima, [[1, -0.5]], atol=0.01)
    path = mlopt.trajectory(mlopt.gd(lr=0.1), surface, surface.start, 200)
    assert np.allclose(path[-1], [1, -0.5], atol=1e-6)


@pytest.mark.parametrize("name", sorted(ALL))
def test_the_formula_renders_in_matplotlib(name):
    from matplotlib.mathtext import MathTextParser

    MathTextParser("agg").parse(f"${ALL[name].formula}$")


@pytest.mark.parametrize("name", list(mlopt.SURFACES))
def test_the_hessian_is_the_derivative_of_the_gradient(name):
    """Every surface's analytic Hessian equals central differences of its gradient (to the
    differences' own error, about 1e-6 relative), is symmetric, and takes batches of points."""
    surface = mlopt.SURFACES[name]()
    (x0, x1), (y0, y1) = surface.bounds
    rng = np.random.default_rng(7)
    points = np.column_stack([rng.uniform(x0, x1, 50), rng.uniform(y0, y1, 50)]).reshape(5, 10, 2)
    exact = surface.hessian(points)
    assert exact.shape == (5, 10, 2, 2)
    assert np.array_equal(exact, np.swapaxes(exact, -1, -2))
    h = 1e-5 * np.maximum(1.0, np.abs(points))
    columns = []
    for i in range(2):
        step = np.zeros_like(points)
        step[..., i] = h[..., i]
        columns.append((surface.grad(points + step) - surface.grad(points - step)) / (2 * h[..., i, None]))
    differences = np.stack(columns, axis=-1)
    scale = np.max(np.abs(exact), axis=(-2, -1), keepdims=True)
    assert np.all(np.abs(exact - differences) <= 1e-5 * np.maximum(scale, 1e-8))
    # A point of the batch alone gets the same matrix; noise leaves the Hessian exact.
    assert np.array_equal(surface.hessian(points[2, 3]), exact[2, 3])
    assert surface.with_noise(1.0).hessian is surface.hessian


def test_a_custom_surface_gets_a_hessian_by_differences():
    bowl = mlopt.surfaces.custom(lambda xy: xy[..., 0] ** 2 + 3 * xy[..., 0] * xy[..., 1] + 5 * xy[..., 1] ** 2,
                                 bounds=((-1, 1), (-1, 1)), start=(0.5, 0.5), minima=[[0.0, 0.0]])
    assert np.allclose(bowl.hessian(np.array([[0.3, -0.2], [1.0, 1.0]])), [[[2, 3], [3, 10]]] * 2, atol=1e-4)
