"""Optimizers that evaluate the loss themselves: L-BFGS and Newton's method.

The other optimizers take one gradient and return one step (`Optimizer.update`).
A quasi-Newton method with a line search needs the loss and the gradient at
points it chooses, and Newton's method needs the Hessian, so these two take a
*closure*, a pure function of the parameters::

    def closure(params):
        ...
        return loss, grads             # L-BFGS
        return loss, grads, hessian    # Newton: hessian of shape (n, n), n = the number of parameters

    opt = mlopt.lbfgs(history_size=10)
    state = opt.init(params)
    params, state = opt.step(closure, state, params)

It is torch.optim.LBFGS's ``step(closure)``, with the parameters and the state
passed in and returned as `Optimizer.update` does: nothing is modified, the
state is plain data (`mlopt.State`), and the closure may be called at any
point. Both methods couple every coordinate, so a tree of parameters is one
vector to them: its leaves flattened and joined in the tree's order, as torch
joins the parameters it is given. The Hessian is over that vector.
"""

import numpy as np

from . import hyper, tree
from .core import State, _check_spec, _check_state, _float_leaf, _grad_leaf, _spec, describe


class ClosureOptimizer:
    """A pair `init` and `step` around one rule on a vector. Made by `mlopt.lbfgs` and
    `mlopt.newton`, not directly.

    The rule is ``rule(x, evaluate, slots, *, t, **settings) -> (x, slots)``: ``x``
    the parameters as one vector, ``evaluate(x)`` the closure at ``x`` as ``(loss,
    g)`` or ``(loss, g, H)`` in that vector's terms, ``slots`` a dict of arrays.
    ``start(n, dtype)`` gives the slots before the first step; ``counters`` names
    those that only count (L-BFGS's evaluations and iterations: past the first
    iteration no step depends on them).
    """

    acts_on = "vector"  # every parameter at once (mlopt.core.ACTS_ON lists the gradient rules' modes)
    evaluate_at = None  # the point to evaluate the model at is the parameters themselves

    def __init__(self, name, rule, start, hessian=False, counters=(), options=None, maximize=False, **hyperparams):
        self.name = name
        self.rule = rule
        self.start = start
        self.hessian = bool(hessian)  # does the closure return the Hessian too?
        self.slot_names = tuple(start(0, np.dtype(float)))  # the state's arrays (not shaped like the params)
        self.counters = tuple(counters)  # those that only count (L-BFGS's evaluations): they decide no step
        self.maximize = hyper.check_option("maximize", maximize)
        self.options = {key: hyper.check_option(key, value) for key, value in (options or {}).items()}
        self.hyperparams = {key: hyper.constant_or_schedule(key, value) for key, value in hyperparams.items()}

    def __repr__(self):
        return describe(self)

    def init(self, params):
        """The state before the first step."""
        leaves, paths, treedef = tree.flatten(params, "params")
        leaves = [_float_leaf(leaf, path) for leaf, path in zip(leaves, paths, strict=True)]
        for key, value in self.hyperparams.items():
            if not callable(value):
                _one_value(self.name, key, value)
        size = sum(leaf.size for leaf in leaves)
        return State(self.name, 0, self.start(size, _dtype(leaves)), _spec(treedef, leaves))

    def step(self, closure, state, params):
        """One step (for L-BFGS, torch's ``step(closure)``: up to ``max_iter`` iterations).

        ``closure(params)`` returns ``(loss, grads)``, or for Newton ``(loss, grads,
        hessian)``. Returns ``(new_params, new_state)``; nothing given is modified.
        """
        if not callable(closure):
            raise TypeError(f"closure must be a function params -> {self._returns()}; got {closure!r}")
        _check_state(state, self, self.slot_names)
        leaves, paths, treedef = tree.flatten(params, "params")
        leaves = [_float_leaf(leaf, path) for leaf, path in zip(leaves, paths, strict=True)]
        _check_spec(state, _spec(treedef, leaves))
        dtype = _dtype(leaves)
        x = np.concatenate([leaf.ravel() for leaf in leaves]).astype(dtype) if leaves else np.zeros(0, dtype)
        sign = -1.0 if self.maximize else 1.0  # ascent: minimise -J

        def evaluate(point):
            """The closure at the vector ``point``, in vector terms (fresh arrays: the closure may keep them)."""
            given = closure(_split(point, leaves, treedef))
            if not isinstance(given, tuple) or len(given) != 2 + self.hessian:
                raise TypeError(f"closure must return {self._returns()}; got {_kind(given)}")
            loss, grads = _loss(given[0]), tree.flatten_like(given[1], treedef, "grads")
            g = np.concatenate([_grad_leaf(gl, path, leaf.shape).ravel() for gl, path, leaf in
                                zip(grads, paths, leaves, strict=True)]).astype(dtype) if leaves else x[:0]
            if not self.hessian:
                return sign * loss, sign * g
            hessian = np.asarray(given[2])
            if hessian.shape != (x.size, x.size) or hessian.dtype.kind not in "iuf":
                raise ValueError(f"the closure's hessian must be a real ({x.size}, {x.size}) array over the "
                                 f"{x.size} parameters; got {hessian.dtype} of shape {hessian.shape}")
            return sign * loss, sign * g, sign * hessian.astype(dtype)

        t = state.step + 1
        values = {}
        for key, value in self.hyperparams.items():
            values[key] = _one_value(self.name, key, hyper.value_at(key, value, t))
        x, slots = self.rule(x, evaluate, dict(state.slots), t=t, **values, **self.options)
        return _split(x, leaves, treedef), State(self.name, t, slots, state.params_spec)

    def evaluated(self, params, state):
        """The parameters to evaluate the model at: the parameters themselves."""
        _check_state(state, self, self.slot_names)
        return params

    def entry(self, index, shape):
        """This optimizer with each grid of settings (arrays broadcasting to ``shape``, points on
        the last axis) replaced by its value at ``index`` of the leading axes: one run of a grid."""
        chosen = {}
        for key, value in self.hyperparams.items():
            if callable(value) or value.ndim == 0:
                chosen[key] = value
                continue
            row = np.broadcast_to(value, shape)[index]
            if np.any(row != row[..., :1]):
                raise ValueError(f"{key} must be one value per point (constant along the last axis); "
                                 f"got {row} at {index}")
            chosen[key] = float(row[0])
        return ClosureOptimizer(self.name, self.rule, self.start, self.hessian, self.counters, self.options,
                                self.maximize, **chosen)

    def _returns(self):
        return "(loss, grads, hessian)" if self.hessian else "(loss, grads)"


def _one_value(name, key, value):
    if np.ndim(value) != 0:
        raise ValueError(f"mlopt.{name} takes one value of {key} (it runs one optimisation at a time); got an "
                         f"array of shape {np.shape(value)}: mlopt.trajectory runs a grid one entry at a time")
    return float(value)


def _dtype(leaves):
    return np.result_type(*leaves) if leaves else np.dtype(float)


def _split(x, leaves, treedef):
    """The vector ``x`` cut back into a tree shaped like ``leaves`` (new arrays, each in its leaf's dtype)."""
    out, offset = [], 0
    for leaf in leaves:
        out.append(np.array(x[offset:offset + leaf.size], dtype=leaf.dtype).reshape(leaf.shape))
        offset += leaf.size
    return tree.unflatten(treedef, out)


def _loss(value):
    array = np.asarray(value)
    if array.shape != () or array.dtype.kind not in "iuf":
        raise TypeError(f"the closure's loss must be a real number; got {value!r}")
    return float(array)


def _kind(value):
    return f"a tuple of {len(value)}" if isinstance(value, tuple) else type(value).__name__
