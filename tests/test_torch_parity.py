"""mlopt against torch.optim (CPU, single-tensor path, float64), step by step, and
against the schedulefree package's reference classes for Schedule-Free.

Runs where torch is installed (CI installs its CPU build and schedulefree); readers never need them.
"""

import importlib
import inspect

import numpy as np
import pytest
from cases import GRADIENT, SETTING_IDS, SETTINGS, accepted, assert_close, gradient, grid_axis, grid_shape

import mlopt
from mlopt.records import RECORDS

torch = pytest.importorskip("torch")
pytest.importorskip("schedulefree")
torch.set_default_dtype(torch.float64)

STEPS = 20

# name -> (torch class, how our hyperparameters map to its arguments, our buffer -> its state key),
# from each optimizer's record; the others (no torch library has them) rely on tests/reference.py.
# L-BFGS takes a closure: tests/test_lbfgs_parity.py compares it.
TORCH = {
    name: (getattr(importlib.import_module(record.reference.library), record.reference.cls),
           record.reference.arguments, record.reference.buffers)
    for name, record in RECORDS.items() if record.reference and name in GRADIENT
}
TORCH_SETTINGS = [(name, hp) for name, hp in SETTINGS if name in TORCH]
TORCH_IDS = [i for (name, _), i in zip(SETTINGS, SETTING_IDS, strict=True) if name in TORCH]
# The shapes each is compared on: any, for the elementwise ones; torch's Muon takes matrices (wide
# and tall), and its Adafactor takes one RMS over a whole 3-D tensor where mlopt takes one per matrix.
SHAPES = {"muon": [(3, 4), (5, 3)], "adafactor": [(), (7,), (3, 4), (5, 3)]}
ANY_SHAPE = [(), (7,), (3, 4), (2, 3, 2)]
SINGLE = [(name, hp, shape) for (name, hp) in TORCH_SETTINGS for shape in SHAPES.get(name, ANY_SHAPE)]
SINGLE_IDS = [f"{i}-{shape}" for (name, _), i in zip(TORCH_SETTINGS, TORCH_IDS, strict=True)
              for shape in SHAPES.get(name, ANY_SHAPE)]


def newton_schulz_float64(grad, ns_coefficients, ns_steps, eps):
    """torch's _zeropower_via_newtonschulz (torch/optim/_muon.py) without its cast to bfloat16."""
    a, b, c = ns_coefficients
    ortho = grad.T if grad.size(0) > grad.size(1) else grad
    ortho = ortho / ortho.norm().clamp(min=eps)
    for _ in range(ns_steps):
        gram = ortho @ ortho.T
        ortho = torch.addmm(ortho, torch.addmm(gram, gram, gram, beta=b, alpha=c), ortho, beta=a)
    return ortho.T if grad.size(0) > grad.size(1) else ortho


@pytest.fixture(autouse=True)
def muon_in_float64(monkeypatch):
    """torch's Muon orthogonalises in bfloat16 whatever the dtype; here it runs the same steps in
    float64, so that the comparison is exact (tests/test_muon_bfloat16.py measures torch's own)."""
    monkeypatch.setattr(torch.optim._muon, "_zeropower_via_newtonschulz", newton_schulz_float64)


def full_hyperparams(name, hp):
    signature = inspect.signature(mlopt.OPTIMIZERS[name])
    return {key: hp.get(key, p.default) for key, p in signature.parameters.items()}


def arguments(name, hp):
    """The reference class's arguments for our settings ``hp``; maximize is passed on where the
    class has it (torch.optim's do; Muon and schedulefree's do not: see `ascent`)."""
    cls, translate, _ = TORCH[name]
    settings = full_hyperparams(name, hp)
    maximize = settings.pop("maximize")
    return {**translate(**settings), **({"maximize": maximize} if takes_maximize(name) else {})}


def takes_maximize(name):
    return "maximize" in inspect.signature(TORCH[name][0]).parameters


def ascent(name, hp):
    """-1 where we maximize with a reference class that cannot: it gets -g, which is what
    maximize means (torch's own flips the gradient first, as mlopt does); else 1."""
    return -1.0 if full_hyperparams(name, hp)["maximize"] and not takes_maximize(name) else 1.0


def torch_optimizer(name, groups):
    """groups: list of (tensor, our hyperparameter dict)."""
    cls = TORCH[name][0]
    param_groups = [{"params": [tensor], **arguments(name, hp)} for tensor, hp in groups]
    single_tensor = {"foreach": False} if "foreach" in inspect.signature(cls).parameters else {}
    # The first group's settings are also the constructor's: torch's Adagrad starts every sum at the
    # constructor's initial_accumulator_value, whatever a group says.
    optimizer = cls(param_groups, **{**arguments(name, groups[0][1]), **single_tensor})
    if hasattr(optimizer, "train"):  # Schedule-Free: y, where gradients are taken, in the params
        optimizer.train()
    return optimizer


def tree_gradient(tree, t):
    if isinstance(tree, dict):
        return {key: gradient(value, t) for key, value in tree.items()}
    return np.asarray(gradient(tree, t))


def compare_run(name, opt, params, groups, to_leaves, from_leaves):
    """Run mlopt on ``params`` and torch on ``groups`` for STEPS steps, comparing each.

    ``to_leaves(tree)`` lists a tree's arrays in the order of the torch tensors;
    ``from_leaves`` is its inverse. Both sides get the same gradient function,
    evaluated at their own parameters.
    """
    torch_opt = torch_optimizer(name, groups)
    tensors = [tensor for tensor, _ in groups]
    buffers = TORCH[name][2]
    state = opt.init(params)
    for t in range(1, STEPS + 1):
        params, state = opt.update(tree_gradient(params, t), state, params)
        torch_params = from_leaves([tensor.detach().numpy() for tensor in tensors])
        sign = ascent(name, groups[0][1])
        for tensor, g in zip(tensors, to_leaves(tree_gradient(torch_params, t)), strict=True):
            tensor.grad = torch.from_numpy(np.array(sign * np.asarray(g)))
        torch_opt.step()
        for i, (ours, tensor) in enumerate(zip(to_leaves(params), tensors, strict=True)):
            assert_close(ours, tensor.detach().numpy(), f"{name} theta[{i}] at step {t}")
            for slot, key in buffers.items():
                if key.startswith("group:"):  # kept per group: here each tensor has its own
                    theirs = np.asarray(torch_opt.param_groups[i][key.removeprefix("group:")])
                elif key not in torch_opt.state[tensor]:  # a buffer this leaf does not use (Adafactor's
                    ours = to_leaves(state.slots[slot])  # variance for a matrix): empty here too
                    assert len(ours) <= i or np.size(ours[i]) == 0, f"{name} {slot}[{i}] at step {t}"
                    continue
                else:
                    theirs = torch_opt.state[tensor][key].numpy()
                ours_buffer = to_leaves(state.slots[slot])[i]
                assert_close(ours_buffer, np.broadcast_to(theirs, np.shape(ours_buffer)),
                             f"{name} {slot}[{i}] at step {t}")


@pytest.mark.parametrize("name,hp,shape", SINGLE, ids=SINGLE_IDS)
def test_single_array(name, hp, shape):
    rng = np.random.default_rng(sum(shape) + 1)
    theta = rng.normal(size=shape)
    tensor = torch.tensor(theta, requires_grad=True)
    opt = mlopt.OPTIMIZERS[name](**hp)
    compare_run(name, opt, theta, [(tensor, hp)], lambda tree: [tree], lambda leaves: leaves[0])


@pytest.mark.parametrize("name,hp", TORCH_SETTINGS, ids=TORCH_IDS)
def test_dict_tree(name, hp):
    rng = np.random.default_rng(0)
    params = {"w": rng.normal(size=(4, 3)), "b": rng.normal(size=accepted(name, (3,)))}
    groups = [(torch.tensor(params[key], requires_grad=True), hp) for key in params]
    opt = mlopt.OPTIMIZERS[name](**hp)
    compare_run(
        name,
        opt,
        params,
        groups,
        lambda tree: [tree[key] for key in params],
        lambda leaves: dict(zip(params, leaves, strict=True)),
    )


@pytest.mark.parametrize("name,hp", TORCH_SETTINGS, ids=TORCH_IDS)
def test_grid_of_learning_rates(name, hp):
    """One mlopt run with lr of shape (k, 1) == k torch parameter groups, one per lr."""
    base = full_hyperparams(name, hp)["lr"]
    lrs = base * np.logspace(-1, 1, 5)
    rng = np.random.default_rng(1)
    theta = rng.normal(size=grid_shape(name, 5))
    rows = [torch.tensor(theta[i], requires_grad=True) for i in range(5)]
    opt = mlopt.OPTIMIZERS[name](**{**hp, "lr": grid_axis(lrs, name)})
    groups = [(row, {**hp, "lr": float(lr)}) for row, lr in zip(rows, lrs, strict=True)]
    compare_run(name, opt, theta, groups, list, np.stack)
