"""Different optimizers for labelled parts of one params tree.

Muon for the hidden matrices and AdamW for the rest; no weight decay on the
biases: real training sets its optimizers part by part (torch's param groups,
optax's ``multi_transform``). `Partition` labels each leaf, hands each part to
its optimizer, and keeps one `State` for the whole tree: it saves, loads and
resumes like any other, and each part moves exactly as its optimizer alone would
move it.
"""

import numpy as np

from . import tree
from .core import State, _check_spec, _check_state, _grad_leaf, _spec


class Partition:
    """``Partition(labels, optimizers)``: the leaves labelled ``k`` are updated by ``optimizers[k]``.

    ``labels`` is a tree shaped like the params, holding each leaf's label, or a
    function ``(path, leaf) -> label`` of each leaf's key path and array::

        opt = mlopt.Partition(
            lambda path, leaf: "matrices" if leaf.ndim == 2 else "others",
            {"matrices": mlopt.adamw(lr=0.02, weight_decay=0.1), "others": mlopt.adam(lr=0.02)},
        )

    Each part reaches its optimizer as a list of its leaves, in the tree's order.
    For a single setting that differs by leaf (one optimizer), `mlopt.per_leaf` is
    simpler.
    """

    def __init__(self, labels, optimizers):
        if not isinstance(optimizers, dict) or not optimizers:
            raise TypeError(f"optimizers must be a non-empty dict label -> optimizer; got {optimizers!r}")
        for label, optimizer in optimizers.items():
            if hasattr(optimizer, "step") and hasattr(optimizer, "init"):
                raise TypeError(f"optimizers[{label!r}] is {optimizer!r}, which takes a closure over all the "
                                "parameters: it cannot share a tree with other optimizers")
            if not (hasattr(optimizer, "init") and hasattr(optimizer, "update")):
                raise TypeError(f"optimizers[{label!r}] must be an mlopt optimizer; got {optimizer!r}")
        self.labels = labels
        self.optimizers = dict(optimizers)
        self.name = "partition(" + ", ".join(f"{k}: {o.name}" for k, o in self.optimizers.items()) + ")"

    def __repr__(self):
        parts = ", ".join(f"{label!r}: {optimizer!r}" for label, optimizer in self.optimizers.items())
        return f"mlopt.Partition({getattr(self.labels, '__name__', 'tree')}, {{{parts}}})"

    def _parts(self, treedef, leaves, paths):
        """label -> the indices of its leaves."""
        if callable(self.labels):
            labels = [self.labels(keys, leaf) for keys, leaf in zip(tree.key_paths(treedef), leaves, strict=True)]
        else:
            labels = tree.flatten_like(self.labels, treedef, "labels")
        parts = {label: [] for label in self.optimizers}
        for i, (label, path) in enumerate(zip(labels, paths, strict=True)):
            if label not in parts:
                raise ValueError(f"{path} is labelled {label!r}, which is none of the optimizers' "
                                 f"labels {list(self.optimizers)}")
            parts[label].append(i)
        return parts

    def init(self, params):
        """The state before the first update: each part's optimizer's own, under its label."""
        leaves, paths, treedef = tree.flatten(params, "params")
        leaves = [np.asarray(leaf) for leaf in leaves]
        slots = {}
        for label, indices in self._parts(treedef, leaves, paths).items():
            slots[label] = self.optimizers[label].init([leaves[i] for i in indices]).slots
        return State(self.name, 0, slots, _spec(treedef, leaves))

    def update(self, grads, state, params, *, donate=False):
        """One step of every part. Returns ``(new_params, new_state)``; as `Optimizer.update`."""
        _check_state(state, self, self.optimizers)
        leaves, paths, treedef = tree.flatten(params, "params")
        arrays = [np.asarray(leaf) for leaf in leaves]
        spec = _spec(treedef, arrays)
        _check_spec(state, spec)
        grad_leaves = [
            _grad_leaf(g, path, leaf.shape)
            for g, path, leaf in zip(tree.flatten_like(grads, treedef, "grads"), paths, arrays, strict=True)
        ]
        new_leaves, new_slots = [None] * len(leaves), {}
        for label, indices in self._parts(treedef, arrays, paths).items():
            optimizer = self.optimizers[label]
            part = [leaves[i] for i in indices]
            part_state = State(optimizer.name, state.step, state.slots[label],
                               _spec(tree.flatten(part)[2], [arrays[i] for i in indices]))
            try:
                new_part, part_state = optimizer.update(
                    [grad_leaves[i] for i in indices], part_state, part, donate=donate)
            except (TypeError, ValueError) as error:
                where = ", ".join(paths[i] for i in indices)
                raise type(error)(f"part {label!r} ({where}, as a list): {error}") from error
            for i, leaf in zip(indices, new_part, strict=True):
                new_leaves[i] = leaf
            new_slots[label] = part_state.slots
        return tree.unflatten(treedef, new_leaves), State(self.name, state.step + 1, new_slots, spec)

    def evaluated(self, params, state):
        """The parameters to evaluate the model at: each part's, as its optimizer says
        (`Optimizer.evaluated`), in one tree shaped like ``params``."""
        _check_state(state, self, self.optimizers)
        leaves, paths, treedef = tree.flatten(params, "params")
        arrays = [np.asarray(leaf) for leaf in leaves]
        new_leaves = [None] * len(leaves)
        for label, indices in self._parts(treedef, arrays, paths).items():
            optimizer = self.optimizers[label]
            part_state = State(optimizer.name, state.step, state.slots[label], None)
            for i, leaf in zip(indices, optimizer.evaluated([leaves[i] for i in indices], part_state), strict=True):
                new_leaves[i] = leaf
        return tree.unflatten(treedef, new_leaves)
