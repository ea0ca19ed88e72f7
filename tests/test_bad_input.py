"""Bad input: a clear error naming the parameter and the value; the caller's data untouched."""

import re

import numpy as np
import pytest
from cases import ELEMENTWISE, GRADIENT

import mlopt


@pytest.mark.parametrize(
    "factory,kwargs,message",
    [
        (mlopt.gd, dict(lr=-0.1), "lr must be in [0, inf); got -0.1"),
        (mlopt.adam, dict(lr=float("nan")), "lr must be in [0, inf); got nan"),
        (mlopt.adam, dict(beta1=1.0), "beta1 must be in [0, 1); got 1.0"),
        (mlopt.adam, dict(beta2=-0.5), "beta2 must be in [0, 1); got -0.5"),
        (mlopt.adamax, dict(beta2=1.5), "beta2 must be in [0, 1); got 1.5"),
        (mlopt.momentum, dict(beta=1.0), "beta must be in [0, 1); got 1.0"),
        (mlopt.nesterov, dict(beta=-1e-9), "beta must be in [0, 1); got -1e-09"),
        (mlopt.rmsprop, dict(beta=2.0), "beta must be in [0, 1); got 2.0"),
        (mlopt.adadelta, dict(rho=1.0), "rho must be in [0, 1); got 1.0"),
        (mlopt.adagrad, dict(eps=-1e-10), "eps must be in [0, inf); got -1e-10"),
        (mlopt.rmsprop, dict(weight_decay=-0.01), "weight_decay must be in [0, inf); got -0.01"),
        (mlopt.adamw, dict(weight_decay=-1.0), "weight_decay must be in [0, inf); got -1.0"),
        (mlopt.amsgrad, dict(eps=float("nan")), "eps must be in [0, inf); got nan"),
        (mlopt.nadam, dict(momentum_decay=-4e-3), "momentum_decay must be in [0, inf); got -0.004"),
        (mlopt.radam, dict(beta1=1.0), "beta1 must be in [0, 1); got 1.0"),
        (mlopt.lion, dict(beta2=1.0), "beta2 must be in [0, 1); got 1.0"),
        (mlopt.lion, dict(lr=-1e-4), "lr must be in [0, inf); got -0.0001"),
        (mlopt.rprop, dict(eta_plus=1.0), "eta_plus must be in (1, inf); got 1.0"),
        (mlopt.rprop, dict(step_min=1.0, step_max=0.5), "step_min must be <= step_max; got step_min=1.0"),
        (mlopt.asgd, dict(t0=-1), "t0 must be in [0, inf); got -1.0"),
        (mlopt.rmsprop_centered, dict(momentum=1.0), "momentum must be in [0, 1); got 1.0"),
        (
            mlopt.adam,
            dict(lr=np.array([[0.1], [-0.2], [0.3]])),
            "lr must be in [0, inf); got -0.2 at index (1, 0)",
        ),
    ],
)
def test_hyperparameters_out_of_range(factory, kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        factory(**kwargs)


@pytest.mark.parametrize("value", ["0.1", None, True, 1 + 2j, {"lr": 0.1}, np.array(["a"])])
def test_hyperparameters_of_the_wrong_type(value):
    with pytest.raises(TypeError, match=r"^lr must be"):
        mlopt.adam(lr=value)


def test_a_schedule_is_checked_at_each_step():
    opt = mlopt.gd(lr=lambda t: 0.1 if t < 3 else -0.1)
    params = np.ones(2)
    state = opt.init(params)
    for _ in range(2):
        params, state = opt.update(np.ones(2), state, params)
    with pytest.raises(ValueError, match=re.escape("lr(t=3) must be in [0, inf); got -0.1")):
        opt.update(np.ones(2), state, params)
    with pytest.raises(TypeError, match=re.escape("lr(t=1) must be a real number")):
        mlopt.gd(lr=lambda t: "fast").update(np.ones(2), mlopt.gd().init(params), params)


def test_a_grid_must_fit_the_parameters():
    opt = mlopt.adam(lr=np.full((20, 1), 0.1))
    message = "lr has shape (20, 1), which does not broadcast to params of shape (2,)"
    with pytest.raises(ValueError, match=re.escape(message)):
        opt.init(np.zeros(2))
    with pytest.raises(ValueError, match=re.escape("params['b'] of shape (3,)")):
        opt.init({"w": np.zeros((20, 3)), "b": np.zeros(3)})
    with pytest.raises(ValueError, match=re.escape("(for this grid, parameters of shape (20, 2))")):
        opt.init(np.zeros((1, 2)))


@pytest.mark.parametrize(
    "params,path,kind",
    [
        (np.array([1, 2, 3]), "params", "integer dtype int64"),
        ({"w": np.ones(2), "b": np.arange(3)}, "params['b']", "integer dtype int64"),
        ([np.ones(2), (np.array([True]),)], "params[1][0]", "integer dtype bool"),
        (np.array(["a"]), "params", "non-floating dtype <U1"),
        (np.ones(2, dtype=complex), "params", "non-floating dtype complex128"),
        (3, "params", "integer dtype int64"),
    ],
)
def test_integer_or_non_numeric_params_are_refused(params, path, kind):
    opt = mlopt.adam()
    with pytest.raises(TypeError, match=re.escape(f"{path} has {kind}")):
        opt.init(params)
    state = opt.init(np.ones(3))
    with pytest.raises((TypeError, ValueError), match=re.escape(path)):
        opt.update(params, state, params)


def test_integer_params_are_left_untouched():
    params = np.array([1, 2, 3])
    with pytest.raises(TypeError):
        mlopt.gd(lr=0.5).init(params)
    assert params.tolist() == [1, 2, 3] and params.dtype == np.int64


PARAMS = {"w": np.ones((2, 3)), "layers": [np.zeros(3), (np.ones(1),)]}


@pytest.mark.parametrize(
    "grads,message",
    [
        (
            {"w": np.ones(3), "layers": [np.zeros(3), (np.ones(1),)]},
            "grads['w'] has shape (3,) but params['w'] has shape (2, 3)",
        ),
        ({"w": np.ones((2, 3))}, "grads has keys ['w'] but params has keys ['layers', 'w']"),
        (
            {"w": np.ones((2, 3)), "layers": [np.zeros(3), (np.ones(1),)], "x": 1.0},
            "unexpected: ['x']",
        ),
        (
            {"w": np.ones((2, 3)), "layers": [np.zeros(3), [np.ones(1)]]},
            "grads['layers'][1] is a list but params['layers'][1] is a tuple",
        ),
        (
            {"w": np.ones((2, 3)), "layers": [np.zeros(3)]},
            "grads['layers'] has 1 items but params['layers'] has 2",
        ),
        (np.ones((2, 3)), "grads is a array but params is a dict"),
        (
            {"w": np.ones((2, 3)), "layers": [np.zeros(3), (np.ones(1, dtype=complex),)]},
            "grads['layers'][1][0] has dtype complex128; gradients must be real numbers",
        ),
    ],
)
def test_grads_must_match_params(grads, message):
    opt = mlopt.momentum()
    state = opt.init(PARAMS)
    with pytest.raises((ValueError, TypeError), match=re.escape(message)):
        opt.update(grads, state, PARAMS)


def test_a_state_of_another_optimizer_is_refused():
    state = mlopt.adam().init(np.ones(2))
    with pytest.raises(ValueError, match=r"state was made by mlopt.adam, not by mlopt.adamax"):
        mlopt.adamax().update(np.ones(2), state, np.ones(2))
    with pytest.raises(TypeError, match="state must be the mlopt.State"):
        mlopt.adam().update(np.ones(2), {"m": np.zeros(2)}, np.ones(2))


@pytest.mark.parametrize(
    "other,message",
    [
        (np.ones(3), "made for params of shape (2,) and dtype float64, but params has shape (3,)"),
        (np.ones(2, dtype=np.float32), "but params has shape (2,) and dtype float32"),
        ({"w": np.ones(2)}, "its structure is"),
    ],
)
def test_a_state_of_another_params_tree_is_refused(other, message):
    for name in ELEMENTWISE + ["adafactor"]:
        factory = mlopt.OPTIMIZERS[name]
        state = factory().init(np.ones(2))
        with pytest.raises(ValueError, match=re.escape(message)):
            factory().update(other, state, other)
    state = mlopt.muon().init(np.ones((2, 2)))  # the same for a matrix
    with pytest.raises(ValueError, match=re.escape("made for params of shape (2, 2) and dtype float64, "
                                                   "but params has shape (2, 3)")):
        mlopt.muon().update(np.ones((2, 3)), state, np.ones((2, 3)))


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_nan_and_inf_gradients_propagate(name):
    opt = mlopt.OPTIMIZERS[name](lr=0.1)
    params = np.ones(3)
    state = opt.init(params)
    with np.errstate(invalid="ignore"):
        new, new_state = opt.update(np.array([np.nan, np.inf, 1.0]), state, params)
    assert np.isnan(new[0]) and np.isfinite(new[2])
    # inf shows in the parameters, or (Lion: a sign step is bounded) in the state.
    assert not all(np.isfinite(x[1]) for x in (new, *new_state.slots.values()))


@pytest.mark.parametrize("name", sorted(set(GRADIENT) - set(ELEMENTWISE)))
def test_a_nan_gradient_spreads_over_its_matrix_in_a_rule_on_whole_matrices(name):
    """One NaN in a matrix's gradient makes the whole matrix NaN (its norm, its RMS are NaN), as in
    torch; the other leaves are untouched."""
    opt = mlopt.OPTIMIZERS[name](lr=0.1)
    params = {"a": np.ones((2, 3)), "b": np.ones((3, 2))}
    g = np.ones((2, 3))
    g[0, 1] = np.nan
    with np.errstate(invalid="ignore"):
        new, _ = opt.update({"a": g, "b": np.ones((3, 2))}, opt.init(params), params)
    assert np.isnan(new["a"]).all() and np.isfinite(new["b"]).all()


def test_a_hand_edited_state_with_wrong_buffer_shapes_is_refused():
    params = {"w": np.ones(3)}
    state = mlopt.adam().init(params)
    broken = state._replace(slots={**state.slots, "m": {"w": np.zeros(1)}})
    message = "state.slots['m']['w'] has shape (1,) but params['w'] has shape (3,)"
    with pytest.raises(ValueError, match=re.escape(message)):
        mlopt.adam().update(params, broken, params)


@pytest.mark.parametrize("value", [0.5, lambda t: 0.5])
def test_a_hyperparameter_without_a_range_says_where_to_add_it(value):
    """A new optimizer's hyperparameter that mlopt.hyper does not know yet: a TypeError that
    names it and the table to add it to, for a constant and for a schedule alike."""
    def rule(theta, g, *, t, lr, zeta):
        return (theta - lr * g,)

    with pytest.raises(TypeError, match=r"hyperparameter 'zeta' has no range: add it to FACTS in mlopt/hyper.py"):
        mlopt.Optimizer("new", rule, lr=0.1, zeta=value)
