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
parameters, checks every input, resolves schedules and per-leaf settings, and
keeps the state as plain data.

A rule is elementwise unless it says otherwise: ``acts_on="matrix"`` (Muon) acts
on the last two axes of each leaf, the axes before them being a batch or a grid,
and refuses leaves with fewer; ``acts_on="leaf"`` (Adafactor) sees each leaf
whole, whatever its axes, and decides itself (Adafactor factors matrices and
not vectors). Settings that are not numbers (Muon's ``nesterov`` switch, its
Newton-Schulz coefficients) are ``options``: fixed when the optimizer is made,
checked against `mlopt.hyper.OPTIONS`, passed to the rule as they are. `Partition`
applies different optimizers to labelled parts of one tree. Every factory's
``maximize=True`` (torch's option of that name) flips the gradient's sign before
the rule: gradient ascent on J, the same steps as descent on -J.
"""

import functools
import inspect
import math
from typing import Any, NamedTuple

import numpy as np

from . import hyper, tree

ACTS_ON = ("element", "matrix", "leaf")
# A buffer that starts as a copy of the parameters (Schedule-Free's z and x), not a number.
PARAMS = "params"


class State(NamedTuple):
    """An optimizer's state: plain data, safe to copy, compare and save.

    ``slots`` maps each buffer name of the optimizer's rule (``"m"``, ``"v"``,
    ...) to a tree shaped like the parameters (a `Partition`'s maps each label
    to that part's slots). ``params_spec`` records the
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

    def __init__(self, name, rule, initial=None, acts_on="element", slot_shapes=None, evaluate_at=None,
                 options=None, maximize=False, **hyperparams):
        signature = inspect.signature(rule)
        kinds = inspect.Parameter
        positional = [
            p.name for p in signature.parameters.values() if p.kind is kinds.POSITIONAL_OR_KEYWORD
        ]
        keywords = [p.name for p in signature.parameters.values() if p.kind is kinds.KEYWORD_ONLY]
        if positional[:2] != ["theta", "g"] or keywords[:1] != ["t"]:
            raise TypeError(f"rule {rule.__name__} must be update(theta, g, *buffers, t, **hyper)")
        options = dict(options or {})
        if set(keywords[1:]) != set(hyperparams) | set(options):
            raise TypeError(f"{name}: hyperparameters and options {sorted({**hyperparams, **options})} "
                            f"!= {keywords[1:]}")
        if acts_on not in ACTS_ON:
            raise ValueError(f"{name}: acts_on must be one of {ACTS_ON}; got {acts_on!r}")
        self.name = name
        self.rule = rule
        # Ascent (torch's maximize): the gradient's sign is flipped before the rule sees it, so
        # every rule climbs J as it would descend -J.
        self.maximize = hyper.check_option("maximize", maximize)
        self.options = {key: hyper.check_option(key, value) for key, value in options.items()}
        self._rule = functools.partial(rule, **self.options) if self.options else rule
        self.acts_on = acts_on
        self.slot_names = tuple(positional[2:])
        self._slot_set = set(self.slot_names)
        # The value each buffer starts from: 0, unless the rule says otherwise (NAdam's
        # running product of momentum factors starts at 1), or the name of the hyperparameter
        # whose value at t = 1 it starts from (Rprop's step sizes start at lr), or PARAMS: a
        # copy of the parameters (Schedule-Free's sequences z and x start at theta_0).
        self.initial = {slot: 0.0 for slot in self.slot_names}
        for slot, value in (initial or {}).items():
            if slot not in self._slot_set:
                raise TypeError(f"{name}: initial value for {slot!r}, which is not a buffer")
            if isinstance(value, str) and value != PARAMS and value not in hyperparams:
                raise TypeError(f"{name}: {slot!r} starts from {value!r}, which is not a hyperparameter")
            self.initial[slot] = value if isinstance(value, str) else float(value)
        # A buffer's shape as a function of its leaf's: the leaf's own, unless the rule
        # says otherwise (a matrix rule may keep one number per row, say).
        self.slot_shapes = dict(slot_shapes or {})
        if not set(self.slot_shapes) <= self._slot_set:
            raise TypeError(f"{name}: slot_shapes for {sorted(set(self.slot_shapes) - self._slot_set)}, "
                            "which are not buffers")
        # The buffer that holds the point to evaluate the model at, where it is not the
        # parameters (the point the gradients are taken at): ASGD's and Schedule-Free's average.
        if evaluate_at is not None and evaluate_at not in self._slot_set:
            raise TypeError(f"{name}: evaluate_at={evaluate_at!r}, which is not a buffer")
        self.evaluate_at = evaluate_at
        self.hyperparams = {
            key: value if isinstance(value, PerLeaf) else hyper.constant_or_schedule(key, value)
            for key, value in hyperparams.items()
        }
        self._per_leaf_cache = {}

    def __repr__(self):
        return describe(self)

    def init(self, params):
        """Return the state before the first update: every buffer at its initial value (0 but for NAdam's)."""
        leaves, paths, treedef = tree.flatten(params, "params")
        leaves = [self._leaf(leaf, path) for leaf, path in zip(leaves, paths, strict=True)]
        settings = self._settings(treedef, leaves, paths)
        for path, leaf, values in zip(paths, leaves, settings, strict=True):
            for key, value in values.items():
                if not callable(value):
                    hyper.check_broadcast(key, value, leaf.shape, path)
        slots = {
            slot: tree.unflatten(treedef, [
                self._initial_buffer(slot, leaf, values) for leaf, values in zip(leaves, settings, strict=True)
            ])
            for slot in self.slot_names
        }
        return State(self.name, 0, slots, _spec(treedef, leaves))

    def update(self, grads, state, params, *, donate=False):
        """Apply one step. Returns ``(new_params, new_state)``; inputs are not modified.

        With ``donate=True`` the caller gives up ``params`` and ``state``: the new
        values are written into their arrays, which are returned (as JAX's
        ``donate_argnums``). The numbers are the same, bit for bit; only the
        memory differs. Every params leaf must then be a writeable numpy array.
        """
        _check_state(state, self, self.slot_names)
        given, paths, treedef = tree.flatten(params, "params")
        leaves = [self._leaf(leaf, path) for leaf, path in zip(given, paths, strict=True)]
        spec = _spec(treedef, leaves)
        _check_spec(state, spec)
        grad_leaves = [
            _grad_leaf(g, path, leaf.shape)
            for g, path, leaf in zip(tree.flatten_like(grads, treedef, "grads"), paths, leaves, strict=True)
        ]
        slot_leaves = [
            [
                _buffer_leaf(buffer, path, self._slot_shape(slot, leaf.shape), slot)
                for buffer, path, leaf in zip(
                    tree.flatten_like(state.slots[slot], treedef, f"state.slots[{slot!r}]"),
                    paths,
                    leaves,
                    strict=True,
                )
            ]
            for slot in self.slot_names
        ]
        if donate:
            _check_donated(leaves, given, grad_leaves, slot_leaves, paths, self.slot_names)
        t = state.step + 1
        settings = self._settings(treedef, leaves, paths)
        at_t = {}  # each distinct setting's values at step t: a schedule is called once per step
        new_params, new_slots = [], [[] for _ in self.slot_names]
        for i, (theta, g, path) in enumerate(zip(leaves, grad_leaves, paths, strict=True)):
            if id(settings[i]) not in at_t:
                at_t[id(settings[i])] = self._values_at(settings[i], t)
            values = at_t[id(settings[i])]
            _check_grids(values, theta.shape, path)
            buffers = [s[i] for s in slot_leaves]
            theta, *buffers = self._apply(theta, g, buffers, t, values, donate)
            new_params.append(theta)
            for out, buffer in zip(new_slots, buffers, strict=True):
                out.append(buffer)
        new_state = State(
            self.name,
            t,
            {slot: tree.unflatten(treedef, out) for slot, out in zip(self.slot_names, new_slots, strict=True)},
            spec,
        )
        return tree.unflatten(treedef, new_params), new_state

    def evaluated(self, params, state):
        """The parameters to evaluate the model at (test loss, accuracy, a checkpoint to ship):
        ``params`` themselves, or for ASGD and Schedule-Free the average their state keeps."""
        _check_state(state, self, self.slot_names)
        return params if self.evaluate_at is None else state.slots[self.evaluate_at]

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
        (settings,) = self._settings(tree.LEAF, [theta], ["params"])
        values = self._values_at(settings, t)
        _check_grids(values, theta.shape, "params")
        theta, *buffers = self._apply(theta, g, buffers, t, values, donate=False)
        return theta, buffers

    def _leaf(self, leaf, path):
        array = _float_leaf(leaf, path)
        if self.acts_on == "matrix" and array.ndim < 2:
            raise ValueError(
                f"mlopt.{self.name} acts on matrices (the last two axes of each leaf), but {path} "
                f"has shape {array.shape}: give the vectors and scalars to another optimizer "
                "with mlopt.Partition"
            )
        return array

    def _initial_buffer(self, slot, leaf, settings):
        shape, start = self._slot_shape(slot, leaf.shape), self.initial[slot]
        if start == PARAMS:
            return np.array(np.broadcast_to(leaf, shape), dtype=leaf.dtype)
        if isinstance(start, str):  # a hyperparameter's value at the first step
            value = hyper.value_at(start, settings[start], 1)
            return np.array(np.broadcast_to(value, shape), dtype=leaf.dtype)
        return np.full(shape, start, dtype=leaf.dtype)

    def _slot_shape(self, slot, shape):
        rule = self.slot_shapes.get(slot)
        return tuple(rule(shape)) if rule else shape

    def _settings(self, treedef, leaves, paths):
        """Each leaf's hyperparameters (constants and schedules), per-leaf settings resolved.

        Resolved once per params structure and kept: a per-leaf setting is a fact about
        the tree, not about the step.
        """
        per_leaf = {key: value for key, value in self.hyperparams.items() if isinstance(value, PerLeaf)}
        if not per_leaf:
            return [self.hyperparams] * len(leaves)
        key = (treedef, tuple(leaf.shape for leaf in leaves))
        if key not in self._per_leaf_cache:
            resolved = {name: value.resolve(name, treedef, leaves, paths) for name, value in per_leaf.items()}
            self._per_leaf_cache[key] = [
                {**self.hyperparams, **{name: values[i] for name, values in resolved.items()}}
                for i in range(len(leaves))
            ]
        return self._per_leaf_cache[key]

    def _values_at(self, settings, t):
        return {key: hyper.value_at(key, value, t) for key, value in settings.items()}

    def _apply(self, theta, g, buffers, t, values, donate):
        if self.maximize:
            g = -g  # ascent: climb J by descending -J
        if self.acts_on != "element":  # never cut into blocks: the rule needs whole matrices
            results = self._rule(theta, g, *buffers, t=t, **values)
            if donate:
                for out, result in zip((theta, *buffers), results, strict=True):
                    out[...] = result
                return [theta, *buffers]
            return [np.asarray(out, dtype=theta.dtype) for out in results]
        return _apply(self._rule, theta, g, buffers, t, values, donate)


def describe(opt):
    """``mlopt.adam(lr=0.1, ...)``: an optimizer's (or a closure optimizer's) settings, as made."""
    def show(value):
        if isinstance(value, PerLeaf):
            return repr(value)
        if callable(value):
            return getattr(value, "__name__", repr(value))
        return repr(float(value)) if value.ndim == 0 else f"array{value.shape}"

    args = ", ".join([f"{key}={show(value)}" for key, value in opt.hyperparams.items()]
                     + [f"{key}={value!r}" for key, value in opt.options.items()]
                     + (["maximize=True"] if opt.maximize else []))
    return f"mlopt.{opt.name}({args})"


# Elements per block when a large array is updated a block at a time (see `_apply`).
# 15,000 float64 are 120 KB: under glibc's 128 KB threshold, above which every
# temporary would be a fresh mmap (page faults), and within the L2 cache.
BLOCK = 8192


def _apply(rule, theta, g, buffers, t, values, donate=False):
    """Apply an elementwise ``rule`` to one array; return its outputs in theta's dtype.

    A rule written one line per equation makes a temporary array per line. On a
    large array those temporaries do not fit in the CPU cache, so the rule is
    applied to blocks of about ``BLOCK`` elements (whole rows), written into the
    output arrays: new ones, or with ``donate`` the inputs themselves (each block
    is read before it is written). Every operation is elementwise, so the result
    is the same, bit for bit, as applying the rule to the whole array at once.
    """
    row = math.prod(theta.shape[1:])
    if (theta.size <= 2 * BLOCK and not donate) or row > BLOCK or theta.size == 0:
        results = rule(theta, g, *buffers, t=t, **values)
        if not donate:
            return [np.asarray(out, dtype=theta.dtype) for out in results]
        for out, result in zip((theta, *buffers), results, strict=True):
            out[...] = result
        return [theta, *buffers]
    rows = BLOCK // row
    # Hyperparameters that vary along the first axis are cut into blocks too.
    per_row = [key for key, value in values.items() if value.ndim == theta.ndim and value.shape[0] != 1]
    outs = [theta, *buffers] if donate else [np.empty_like(theta) for _ in range(1 + len(buffers))]
    for start in range(0, theta.shape[0], rows):
        block = slice(start, start + rows)
        block_values = {**values, **{key: values[key][block] for key in per_row}} if per_row else values
        results = rule(theta[block], g[block], *(b[block] for b in buffers), t=t, **block_values)
        for out, result in zip(outs, results, strict=True):
            out[block] = result
    return outs


def _check_grids(values, shape, path):
    """Every array-valued hyperparameter must broadcast to the leaf it updates."""
    for key, value in values.items():
        if value.ndim:
            hyper.check_broadcast(key, value, shape, path)


def _check_state(state, optimizer, slots):
    """What every update checks of the state it is given: its type, its maker, its buffers."""
    if not isinstance(state, State):
        raise TypeError(f"state must be the mlopt.State returned by init or update; got {type(state).__name__}")
    if state.optimizer != optimizer.name:
        raise ValueError(f"state was made by mlopt.{state.optimizer}, not by mlopt.{optimizer.name}: "
                         f"call {optimizer!r}.init(params) for a fresh state")
    if set(state.slots) != set(slots):
        raise ValueError(f"state.slots has {sorted(state.slots)} but mlopt.{optimizer.name} keeps {sorted(slots)}")


def _check_spec(state, spec):
    """The params given must be those the state was made for."""
    if spec != state.params_spec:
        raise ValueError("state belongs to another params tree: " + _spec_difference(state.params_spec, spec))


def _check_donated(leaves, given, grads, slot_leaves, paths, slot_names):
    """Donated arrays are written in place: each must be a writeable array of its own."""
    for i, (leaf, original, path) in enumerate(zip(leaves, given, paths, strict=True)):
        if leaf is not original or not leaf.flags.writeable:
            raise ValueError(
                f"donate=True writes the new values into the params' arrays, but {path} is "
                f"{'read-only' if leaf is original else 'a ' + type(original).__name__ + ', not a numpy array'}: "
                "pass writeable numpy arrays, or update without donate"
            )
        for slot, buffers in zip(slot_names, slot_leaves, strict=True):
            where = f"state.slots[{slot!r}]" + path[len("params"):]
            buffer = buffers[i]
            if not isinstance(buffer, np.ndarray) or not buffer.flags.writeable or buffer.dtype != leaf.dtype:
                raise ValueError(f"donate=True writes into {where}, which must be a writeable "
                                 f"numpy array of dtype {leaf.dtype}")
        others = [buffers[i] for buffers in slot_leaves] + [grads[i]]
        arrays = [leaf, *others]
        for a in range(len(arrays)):
            for b in range(a + 1, len(arrays)):
                if np.may_share_memory(arrays[a], arrays[b]):
                    raise ValueError(f"donate=True needs {path}, its gradient and its state buffers "
                                     "in separate memory; two of them overlap")


class PerLeaf:
    """A hyperparameter that differs between the leaves of the params tree.

    ``mlopt.per_leaf(values)`` where ``values`` is a tree shaped like the params
    (one setting per leaf), or a function ``(path, leaf) -> setting`` of each
    leaf's key path (``("layers", 0, "b")``) and array, called once per params
    structure (so it may look at the leaf's shape and dtype, not at its values):
    a mask, as optax's ``mask=`` and nanoGPT's decay / no-decay groups::

        mlopt.adamw(weight_decay=mlopt.per_leaf(lambda path, leaf: 0.1 if leaf.ndim >= 2 else 0.0))

    Each setting may be anything the hyperparameter accepts (a number, an array,
    a schedule) and is checked as such, with the leaf's path in the message.
    """

    def __init__(self, values):
        self.values = values

    def __repr__(self):
        shown = getattr(self.values, "__name__", None) if callable(self.values) else "tree"
        return f"per_leaf({shown})"

    def resolve(self, name, treedef, leaves, paths):
        if callable(self.values):
            settings = []
            for keys, leaf, path in zip(tree.key_paths(treedef), leaves, paths, strict=True):
                try:
                    settings.append(self.values(keys, leaf))
                except Exception as error:
                    raise ValueError(f"{name}: the per-leaf function raised {type(error).__name__} "
                                     f"for {path}: {error}") from error
        else:
            settings = tree.flatten_like(self.values, treedef, f"{name} (per leaf)")
        return [
            hyper.constant_or_schedule(name, value, where=f" for {path}")
            for value, path in zip(settings, paths, strict=True)
        ]


def per_leaf(values):
    """A hyperparameter set leaf by leaf: see `PerLeaf`."""
    return PerLeaf(values)


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
    for path, (shape_a, dtype_a), (shape_b, dtype_b) in zip(paths, expected[1], got[1], strict=True):
        if (shape_a, dtype_a) != (shape_b, dtype_b):
            return (
                f"it was made for {path} of shape {shape_a} and dtype {np.dtype(dtype_a)}, "
                f"but {path} has shape {shape_b} and dtype {np.dtype(dtype_b)}"
            )
    return "its parameter specification differs"
