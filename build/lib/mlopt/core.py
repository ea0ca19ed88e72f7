"""The shared machinery: from a rule for one array to an optimizer for a tree.

Each optimizer module writes its algorithm once, for a single array, as a pure
function in the shape of its algorithm box::

    def update(theta, g, m, v, *, t, lr, beta1, beta2, eps, weight_decay):
        ...                   # one line per equation
        return theta, m, v    # the new parameters and the new state buffers

The positional arguments after ``theta`` and ``g`` name the per-parameter state
buffers (here ``m`` and ``v``); the keyword-only arguments are the step number
``t`` and the hyperparameters. `Optimizer` reads both from the signature and
does everything else here, once for all optimizers: it walks trees of
parameters, checks every input, resolves schedules, and keeps the state as
plain data.
"""

import inspect
from typing import Any, NamedTuple

import numpy as np

from . import hyper, tree


class State(NamedTuple):
    """An optimizer's state: plain data, safe to copy, compare and save.

    ``slots`` maps each buffer name of the optimizer's rule (``"m"``, ``"v"``,
    ...) to a tree shaped like the parameters. ``params_spec`` records the
    structure, shapes and dtypes of the parameters the state belongs to, so that
    a state is never applied to another model by mistake.
    """

    optimizer: str  # the name of the optimizer that made it, e.g. "adam"
    step: int  # t: the number of updates applied so far (0 after init)
    slots: dict  # buffer name -> tree of arrays shaped like params
    params_spec: Any  # (treedef, ((shape, dtype), ...)) of the params


class Optimizer:
    """A pair of pure functions, `init` and `update`, around one array rule.

    Made by the factories (`mlopt.adam(...)` and so on), not directly.
    """

    def __init__(self, name, rule, initial=None, **hyperparams):
        signature = inspect.signature(rule)
        kinds = inspect.Parameter
        positional = [
            p.name for p in signature.parameters.values() if p.kind is kinds.POSITIONAL_OR_KEYWORD
        ]
        keywords = [p.name for p in signature.parameters.values() if p.kind is kinds.KEYWORD_ONLY]
        if positional[:2] != ["theta", "g"] or keywords[:1] != ["t"]:
            raise TypeError(f"rule {rule.__name__} must be update(theta, g, *buffers, t, **hyper)")
        if set(keywords[1:]) != set(hyperparams):
            raise TypeError(f"{name}: hyperparameters {sorted(hyperparams)} != {keywords[1:]}")
        self.name = name
        self.rule = rule
        self.slot_names = tuple(positional[2:])
        self._slot_set = set(self.slot_names)
        # The value each buffer starts from: 0, unless the rule says otherwise
        # (NAdam's running product of momentum factors starts at 1).
        self.initial = {slot: 0.0 for slot in self.slot_names}
        for slot, value in (initial or {}).items():
            if slot not in self._slot_set:
                raise TypeError(f"{name}: initial value for {slot!r}, which is not a buffer")
            self.initial[slot] = float(value)
        self.hyperparams = {
            key: hyper.constant_or_schedule(key, value) for key, value in hyperparams.items()
        }

    def __repr__(self):
        def show(value):
            if callable(value):
                return getattr(value, "__name__", repr(value))
            return repr(float(value)) if value.ndim == 0 else f"array{value.shape}"

        args = ", ".join(f"{key}={show(value)}" for key, value in self.hyperparams.items())
        return f"mlopt.{self.name}({args})"

    def init(self, params):
        """Return the state before the first update: every buffer at its initial value (0 but for NAdam's)."""
        leaves, paths, treedef = tree.flatten(params, "params")
        leaves = [_float_leaf(leaf, path) for leaf, path in zip(leaves, paths)]
        for leaf, path in zip(leaves, paths):
            for key, value in self.hyperparams.items():
                if not callable(value):
                    hyper.check_broadcast(key, value, leaf.shape, path)
        slots = {
            slot: tree.unflatten(treedef, [np.full_like(leaf, self.initial[slot]) for leaf in leaves])
            for slot in self.slot_names
        }
        return State(self.name, 0, slots, _spec(treedef, leaves))

    def update(self, grads, state, params):
        """Apply one step. Returns ``(new_params, new_state)``; inputs are not modified."""
        self._check_state(state)
        leaves, paths, treedef = tree.flatten(params, "params")
        leaves = [_float_leaf(leaf, path) for leaf, path in zip(leaves, paths)]
        spec = _spec(treedef, leaves)
        if spec != state.params_spec:
            raise ValueError(
                "state belongs to another params tree: "
                + _spec_difference(state.params_spec, spec)
            )
        grad_leaves = [
            _grad_leaf(g, path, leaf.shape)
            for g, path, leaf in zip(tree.flatten_like(grads, treedef, "grads"), paths, leaves)
        ]
        slot_leaves = [
            [
                _buffer_leaf(buffer, path, leaf.shape, slot)
                for buffer, path, leaf in zip(
                    tree.flatten_like(state.slots[slot], treedef, f"state.slots[{slot!r}]"),
                    paths,
                    leaves,
                )
            ]
            for slot in self.slot_names
        ]
        t = state.step + 1
        values = {key: hyper.value_at(key, value, t) for key, value in self.hyperparams.items()}
        new_params, new_slots = [], [[] for _ in self.slot_names]
        grids = [(key, value) for key, value in values.items() if value.ndim]
        for i, (theta, g, path) in enumerate(zip(leaves, grad_leaves, paths)):
            for key, value in grids:
                hyper.check_broadcast(key, value, theta.shape, path)
            theta, *buffers = _apply(self.rule, theta, g, [s[i] for s in slot_leaves], t, values)
            new_params.append(theta)
            for out, buffer in zip(new_slots, buffers):
                out.append(buffer)
        new_state = State(
            self.name,
            t,
            {slot: tree.unflatten(treedef, out) for slot, out in zip(self.slot_names, new_slots)},
            spec,
        )
        return tree.unflatten(treedef, new_params), new_state

    def array_step(self, theta, g, buffers, t):
        """One update of a single float array at step ``t``: ``(theta, buffers)``.

        For loops that have checked their parameters and state once through
        `init` and `update` (``mlopt.trajectory`` does): it skips the tree
        walk and the state checks, which cost more than the arithmetic on a
        small array, but still checks the gradient's shape and each
        hyperparameter's value. The result is the same, bit for bit, as `update`.
        """
        g = np.asarray(g)
        if g.shape != theta.shape:
            raise ValueError(f"grads has shape {g.shape} but params has shape {theta.shape}")
        values = {key: hyper.value_at(key, value, t) for key, value in self.hyperparams.items()}
        for key, value in values.items():
            if value.ndim:
                hyper.check_broadcast(key, value, theta.shape, "params")
        theta, *buffers = _apply(self.rule, theta, g, buffers, t, values)
        return theta, buffers

    def _check_state(self, state):
        if not isinstance(state, State):
            raise TypeError(
                f"state must be the mlopt.State returned by init or update; "
                f"got {type(state).__name__}"
            )
        if state.optimizer != self.name:
            raise ValueError(
                f"state was made by mlopt.{state.optimizer}, not by mlopt.{self.name}: "
                f"call {self!r}.init(params) for a fresh state"
            )
        if state.slots.keys() != self._slot_set:
            raise ValueError(
                f"state.slots has buffers {sorted(state.slots)} but mlopt.{self.name} "
                f"keeps {sorted(self.slot_names)}"
            )


# Elements per block when a large array is updated a block at a time (see `_apply`).
# 15,000 float64 are 120 KB: under glibc's 128 KB threshold, above which every
# temporary would be a fresh mmap (page faults), and within the L2 cache.
BLOCK = 8192


def _apply(rule, theta, g, buffers, t, values):
    """Apply an elementwise ``rule`` to one array; return its outputs in theta's dtype.

    A rule written one line per equation makes a temporary array per line. On a
    large array those temporaries do not fit in the CPU cache, so the rule is
    applied to blocks of about ``BLOCK`` elements (whole rows), written into the
    output arrays. Every operation is elementwise, so the result is the same,
    bit for bit, as applying the rule to the whole array at once.
    """
    row = theta[0].size if theta.ndim else 1
    if theta.size <= 2 * BLOCK or row > BLOCK:
        return [np.asarray(out, dtype=theta.dtype) for out in rule(theta, g, *buffers, t=t, **values)]
    rows = BLOCK // row
    # Hyperparameters that vary along the first axis are cut into blocks too.
    per_row = [key for key, value in values.items() if value.ndim == theta.ndim and value.shape[0] != 1]
    outs = [np.empty_like(theta) for _ in range(1 + len(buffers))]
    for start in range(0, theta.shape[0], rows):
        block = slice(start, start + rows)
        block_values = {**values, **{key: values[key][block] for key in per_row}} if per_row else values
        results = rule(theta[block], g[block], *(b[block] for b in buffers), t=t, **block_values)
        for out, result in zip(outs, results):
            out[block] = result
    return outs


def _float_leaf(leaf, path):
    array = np.asarray(leaf)
    if array.dtype.kind != "f":
        kind = "integer" if array.dtype.kind in "iub" else "non-floating"
        raise TypeError(
            f"{path} has {kind} dtype {array.dtype}, but parameters must be "
            f"floating-point arrays (an integer array would be silently truncated); "
            f"convert it first, e.g. np.asarray(x, dtype=float)"
        )
    return array


def _grad_leaf(g, path, shape):
    path = "grads" + path[len("params"):]
    array = np.asarray(g)
    if array.dtype.kind not in "iuf":
        raise TypeError(f"{path} has dtype {array.dtype}; gradients must be real numbers")
    if array.shape != shape:
        raise ValueError(
            f"{path} has shape {array.shape} but params{path[len('grads'):]} has shape {shape}"
        )
    return array


def _buffer_leaf(buffer, path, shape, slot):
    array = np.asarray(buffer)
    if array.shape != shape:
        where = f"state.slots[{slot!r}]" + path[len("params"):]
        raise ValueError(f"{where} has shape {array.shape} but {path} has shape {shape}")
    return array


def _spec(treedef, leaves):
    return (treedef, tuple((leaf.shape, leaf.dtype.str) for leaf in leaves))


def _spec_difference(expected, got):
    """Say in words where two params specs differ."""
    if expected[0] != got[0]:
        return f"its structure is {expected[0]!r}, the params given have {got[0]!r}"
    placeholders = [f"<leaf {i}>" for i in range(len(got[1]))]
    _, paths, _ = tree.flatten(tree.unflatten(got[0], placeholders), "params")
    for path, (shape_a, dtype_a), (shape_b, dtype_b) in zip(paths, expected[1], got[1]):
        if (shape_a, dtype_a) != (shape_b, dtype_b):
            return (
                f"it was made for {path} of shape {shape_a} and dtype {np.dtype(dtype_a)}, "
                f"but {path} has shape {shape_b} and dtype {np.dtype(dtype_b)}"
            )
    return "its parameter specification differs"
