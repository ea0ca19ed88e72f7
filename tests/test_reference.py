"""mlopt against the naive scalar-loop transcriptions of each algorithm box."""

import math

import numpy as np
import pytest
from cases import GRADIENT, NON_DEFAULT, SETTING_IDS, SETTINGS, assert_close, gradient, leaf_shape, rosenbrock_4
from reference import CLOSURE_REFERENCES, REFERENCES

import mlopt

STEPS = 25


def defaults(name):
    import inspect

    signature = inspect.signature(mlopt.OPTIMIZERS[name])
    return {key: p.default for key, p in signature.parameters.items() if key != "maximize"}  # not in the boxes


def run_both(name, hp, steps=STEPS, theta0=None):
    """Yield (t, mlopt's theta and state, the reference's theta and state) per step."""
    naive, slots = REFERENCES[name]
    opt = mlopt.OPTIMIZERS[name](**hp)
    shape = leaf_shape(name)  # a vector, or for Muon and Adafactor a matrix
    theta = np.linspace(-1.5, 2.0, math.prod(shape)).reshape(shape) if theta0 is None else theta0
    state = opt.init(theta)
    ref_theta = theta.tolist()
    ref_state = {slot: np.zeros(state.slots[slot].shape).tolist() for slot in slots}
    values = {**defaults(name), **hp}
    for t in range(1, steps + 1):
        theta, state = opt.update(gradient(theta, t), state, theta)
        constants = {k: (v(t) if callable(v) else v) for k, v in values.items()}
        sign = -1.0 if constants.pop("maximize", False) else 1.0  # ascent: the boxes descend -J
        ref_g = (sign * gradient(np.array(ref_theta), t)).tolist()
        ref_theta, ref_state = naive(ref_theta, ref_g, ref_state, t, **constants)
        yield t, theta, state, ref_theta, ref_state


@pytest.mark.parametrize("name,hp", SETTINGS, ids=SETTING_IDS)
def test_matches_reference_step_by_step(name, hp):
    for t, theta, state, ref_theta, ref_state in run_both(name, hp):
        assert state.step == t
        assert_close(theta, ref_theta, f"{name} theta at step {t}")
        assert set(state.slots) == set(ref_state)
        for slot, values in ref_state.items():
            assert_close(state.slots[slot], values, f"{name} state {slot!r} at step {t}")


# The hyperparameter each test schedules: lr, but for Rprop, whose lr is only its first step size.
SCHEDULED = {"rprop": "step_max"}


@pytest.mark.parametrize("name", GRADIENT)
def test_schedules_are_called_with_the_step_number(name):
    """A callable hyperparameter is evaluated at t = 1, 2, ... and used as is."""
    seen = []
    key = SCHEDULED.get(name, "lr")

    def schedule(t):
        seen.append(t)
        return NON_DEFAULT[name][key] / np.sqrt(t)

    hp = {**NON_DEFAULT[name], key: schedule}
    for t, theta, _, ref_theta, _ in run_both(name, hp, steps=8):
        assert_close(theta, ref_theta, f"{name} theta at step {t}")
    assert seen[::2] == list(range(1, 9))  # mlopt's call, then the reference's


@pytest.mark.parametrize("name,hp", [
    ("newton", {}), ("newton", {"lr": 0.5, "damping": 30.0}),
    ("lbfgs", {"max_iter": 1}), ("lbfgs", {"max_iter": 1, "lr": 0.2, "history_size": 2}),
])
def test_closure_optimizers_match_reference_step_by_step(name, hp):
    """Newton and L-BFGS (one iteration per step, no line search) against plain loops over floats,
    on Rosenbrock's valley in 4 dimensions; each step starts from the reference's point and state."""
    naive = CLOSURE_REFERENCES[name]
    opt = mlopt.OPTIMIZERS[name](**hp)
    closure = rosenbrock_4 if name == "newton" else (lambda x: rosenbrock_4(x)[:2])
    x = np.array([-1.2, 1.0, -0.5, 0.8])
    state, ref_x, ref_state = opt.init(x), x.tolist(), {}
    settings = {key: value for key, value in {**defaults(name), **hp}.items() if key in ("lr", "damping",
                                                                                         "history_size")}
    lists = lambda p: tuple(np.asarray(v).tolist() for v in closure(np.array(p)))  # noqa: E731
    for t in range(1, 9):
        x, state = opt.step(closure, state, x)
        ref_x, ref_state = naive(ref_x, lists, ref_state, t, **settings)
        assert_close(x, ref_x, f"{name} x at step {t}")
        if name == "lbfgs":
            pairs = ref_state["pairs"]
            assert_close(state.slots["d"], ref_state["d"], f"lbfgs d at step {t}")
            assert_close(state.slots["s"], np.reshape([p[0] for p in pairs], (-1, 4)), f"lbfgs s at step {t}")
            assert_close(state.slots["y"], np.reshape([p[1] for p in pairs], (-1, 4)), f"lbfgs y at step {t}")
            assert_close(state.slots["gamma"], ref_state["gamma"], f"lbfgs gamma at step {t}")
        x = np.array(ref_x)


def test_reference_catches_a_wrong_rule():
    """The comparison is sharp: a rule that differs in the last place of eps fails."""
    hp = dict(NON_DEFAULT["adam"], eps=1e-6 * (1 + 1e-9), maximize=False)
    naive, _ = REFERENCES["adam"]
    opt = mlopt.adam(**hp)
    theta = np.array([1e-3, -2e-3])
    state = opt.init(theta)
    new, _ = opt.update(np.array([1e-6, 2e-6]), state, theta)
    ref, _ = naive(theta.tolist(), [1e-6, 2e-6], {"m": [0, 0], "v": [0, 0]}, 1,
                   **{k: v for k, v in NON_DEFAULT["adam"].items() if k != "maximize"})
    with pytest.raises(AssertionError):
        assert_close(new, ref, "perturbed adam")



def test_radam_switches_per_element_in_a_grid_of_beta2():
    """beta2 = 0.5 and 0.6 never rectify (rho_inf <= 5); 0.9 and 0.999 do, from different
    steps. One call with a beta2 grid equals the reference run for each value alone."""
    betas = np.array([0.5, 0.6, 0.9, 0.999])
    naive, _ = REFERENCES["radam"]
    theta = np.linspace(-1.0, 1.0, 8).reshape(4, 2)
    opt = mlopt.radam(lr=0.05, beta2=betas[:, None])
    state = opt.init(theta)
    ref_theta = theta.copy()
    ref_states = [{"m": [0.0, 0.0], "v": [0.0, 0.0]} for _ in betas]
    for t in range(1, 15):
        theta, state = opt.update(gradient(theta, t), state, theta)
        ref_g = gradient(ref_theta, t)
        for i, beta2 in enumerate(betas):
            row, ref_states[i] = naive(
                ref_theta[i].tolist(), ref_g[i].tolist(), ref_states[i], t, 0.05, 0.9, float(beta2), 1e-8, 0.0
            )
            ref_theta[i] = row
        assert_close(theta, ref_theta, f"radam with a beta2 grid at step {t}")


def test_lion_leaves_a_coordinate_alone_where_its_direction_is_zero():
    """sign(0) = 0: where c_t = 0 (zero gradient, zero momentum) Lion moves nothing, in
    mlopt as in the plain loop; the other coordinates move by lr each step."""
    naive, slots = REFERENCES["lion"]
    hp = {**defaults("lion"), "lr": 0.1}
    opt = mlopt.lion(lr=0.1)
    theta = np.array([0.5, -0.25, 1.0])
    state, g = opt.init(theta), np.array([0.0, 2.0, 0.0])
    ref_theta, ref_state = theta.tolist(), {slot: [0.0] * 3 for slot in slots}
    for t in range(1, 4):
        theta, state = opt.update(g, state, theta)
        ref_theta, ref_state = naive(ref_theta, g.tolist(), ref_state, t, **hp)
        assert_close(theta, ref_theta, f"lion theta at step {t}")
    assert theta[0] == 0.5 and theta[2] == 1.0
    assert np.isclose(theta[1], -0.25 - 3 * 0.1, rtol=1e-15)


def test_adafactor_on_a_vector_matches_its_reference_unfactored():
    """A vector is not factored: Adafactor keeps one average of g^2 per element (state
    ``variance``), and leaves the row and column buffers empty."""
    for t, theta, state, ref_theta, ref_state in run_both("adafactor", NON_DEFAULT["adafactor"],
                                                           theta0=np.linspace(-1.5, 2.0, 7)):
        assert_close(theta, ref_theta, f"adafactor theta at step {t}")
        assert_close(state.slots["variance"], ref_state["variance"], f"adafactor variance at step {t}")
        assert state.slots["row_var"].size == 0 and state.slots["col_var"].size == 0


def test_muon_on_a_tall_matrix_orthogonalises_its_transpose():
    """A tall matrix (m > n) is transposed for Newton-Schulz and back: same as the reference."""
    hp = {**NON_DEFAULT["muon"], "adjust_lr_fn": "original"}
    for t, theta, _, ref_theta, _ in run_both("muon", hp, steps=6, theta0=np.linspace(-1, 1, 15).reshape(5, 3)):
        assert_close(theta, ref_theta, f"muon theta at step {t}")
