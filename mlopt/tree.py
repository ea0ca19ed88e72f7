"""Trees of parameters: nested dicts, lists and tuples whose leaves are arrays.

Every optimizer rule in `mlopt` is written for one array. This module is the one
place that walks a tree of arrays, so that ``opt.update`` accepts a single
array, ``{"w": W, "b": b}``, ``[W1, (W2, b2)]`` and so on, all alike.

A tree's *structure* (its ``treedef``) is a plain, hashable nested tuple:
``LEAF`` for an array, ``("dict", keys, children)`` for a dict and
``("list", children)`` / ``("tuple", children)`` for sequences. It can be
compared with ``==`` and written to JSON, which is how checkpoints store it.
"""

LEAF = "*"


def flatten(tree, name="params"):
    """Return ``(leaves, paths, treedef)`` for ``tree``.

    ``paths`` holds a readable location for every leaf, such as
    ``params['layer1'][0]``, for error messages.
    """
    leaves, paths = [], []
    treedef = _flatten(tree, name, leaves, paths)
    return leaves, paths, treedef


def _flatten(node, path, leaves, paths):
    if isinstance(node, dict):
        keys = tuple(node)
        children = tuple(_flatten(node[k], f"{path}[{k!r}]", leaves, paths) for k in keys)
        return ("dict", keys, children)
    if isinstance(node, (list, tuple)):
        kind = "list" if isinstance(node, list) else "tuple"
        children = tuple(
            _flatten(child, f"{path}[{i}]", leaves, paths) for i, child in enumerate(node)
        )
        return (kind, children)
    leaves.append(node)
    paths.append(path)
    return LEAF


def flatten_like(tree, treedef, name, ref_name="params"):
    """Return the leaves of ``tree``, checking that its structure is ``treedef``.

    Raises ``ValueError`` naming the first place where ``tree`` (called
    ``name``) differs from the tree it should match (called ``ref_name``).
    """
    leaves = []
    _flatten_like(tree, treedef, name, ref_name, leaves)
    return leaves


def _flatten_like(node, treedef, path, ref_path, leaves):
    if treedef == LEAF:
        if isinstance(node, (dict, list, tuple)):
            raise ValueError(
                f"{path} is a {type(node).__name__} but {ref_path} is an array"
            )
        leaves.append(node)
        return
    kind = treedef[0]
    expected = {"dict": dict, "list": list, "tuple": tuple}[kind]
    if not isinstance(node, expected):
        raise ValueError(
            f"{path} is a {_kind_of(node)} but {ref_path} is a {kind}"
        )
    if kind == "dict":
        keys, children = treedef[1], treedef[2]
        if set(node) != set(keys):
            raise ValueError(
                f"{path} has keys {_keys(node)} but {ref_path} has keys {_keys(keys)} "
                f"(missing: {_keys(set(keys) - set(node))}, "
                f"unexpected: {_keys(set(node) - set(keys))})"
            )
        for key, child in zip(keys, children, strict=True):
            _flatten_like(node[key], child, f"{path}[{key!r}]", f"{ref_path}[{key!r}]", leaves)
    else:
        children = treedef[1]
        if len(node) != len(children):
            raise ValueError(
                f"{path} has {len(node)} items but {ref_path} has {len(children)}"
            )
        for i, (item, child) in enumerate(zip(node, children, strict=True)):
            _flatten_like(item, child, f"{path}[{i}]", f"{ref_path}[{i}]", leaves)


def _keys(keys):
    return "[" + ", ".join(sorted(map(repr, keys))) + "]"


def _kind_of(node):
    return {dict: "dict", list: "list", tuple: "tuple"}.get(type(node), "array")


def key_paths(treedef):
    """The key path of each leaf, in `flatten`'s order: ``("layers", 0, "b")`` for
    ``params["layers"][0]["b"]``, ``()`` for a single array."""
    if treedef == LEAF:
        return [()]
    keys = treedef[1] if treedef[0] == "dict" else range(len(treedef[1]))
    children = treedef[2] if treedef[0] == "dict" else treedef[1]
    return [(key, *rest) for key, child in zip(keys, children, strict=True) for rest in key_paths(child)]


def unflatten(treedef, leaves):
    """Build a tree of structure ``treedef`` from ``leaves`` (inverse of `flatten`)."""
    iterator = iter(leaves)
    tree = _unflatten(treedef, iterator)
    if next(iterator, None) is not None:
        raise ValueError("more leaves than the tree structure has places for")
    return tree


def _unflatten(treedef, leaves):
    if treedef == LEAF:
        return next(leaves)
    if treedef[0] == "dict":
        return {key: _unflatten(child, leaves) for key, child in zip(treedef[1], treedef[2], strict=True)}
    children = [_unflatten(child, leaves) for child in treedef[1]]
    return children if treedef[0] == "list" else tuple(children)


def to_json(treedef):
    """A JSON-friendly copy of ``treedef`` (dict keys must be strings)."""
    if treedef == LEAF:
        return LEAF
    if treedef[0] == "dict":
        for key in treedef[1]:
            if not isinstance(key, str):
                raise TypeError(
                    f"only dicts with string keys can be saved; got key {key!r}"
                )
        return ["dict", list(treedef[1]), [to_json(c) for c in treedef[2]]]
    return [treedef[0], [to_json(c) for c in treedef[1]]]


def from_json(data):
    """Inverse of `to_json`."""
    if data == LEAF:
        return LEAF
    if not isinstance(data, list) or not data or data[0] not in ("dict", "list", "tuple"):
        raise ValueError(f"not a tree structure: {data!r}")
    if data[0] == "dict":
        return ("dict", tuple(data[1]), tuple(from_json(c) for c in data[2]))
    return (data[0], tuple(from_json(c) for c in data[1]))
