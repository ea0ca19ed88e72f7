"""Saving and loading optimizer states as ``.npz`` files (no pickle).

A checkpoint holds one array per buffer leaf, named ``slot/<leaf index>``, and
a JSON header with the optimizer's name, the step count, the params structure
and each slot's structure (a slot is usually shaped like the params; a
`Partition`'s holds its parts' slots). Loading checks all of it, so a damaged or foreign file is reported
as such instead of resuming a wrong run.
"""

import json
import os
import pickle
import zipfile

import numpy as np

from . import tree
from .core import State

FORMAT = "mlopt-state/2"


class CheckpointError(ValueError):
    """A file is not a readable mlopt checkpoint."""


class MissingCheckpointError(FileNotFoundError, CheckpointError):
    """The checkpoint file does not exist (both a FileNotFoundError and a ValueError)."""


def save_state(path, state):
    """Write ``state`` to ``path`` (a ``.npz`` file)."""
    if not isinstance(state, State):
        raise TypeError(f"state must be an mlopt.State; got {type(state).__name__}")
    treedef, leaf_specs = state.params_spec
    header = {
        "format": FORMAT,
        "optimizer": state.optimizer,
        "step": int(state.step),
        "treedef": tree.to_json(treedef),
        "leaves": [[list(shape), dtype] for shape, dtype in leaf_specs],
        "slots": {},
    }
    arrays = {}
    for slot, slot_tree in state.slots.items():
        leaves, _, slot_treedef = tree.flatten(slot_tree, f"state.slots[{slot!r}]")
        leaves = [np.asarray(leaf) for leaf in leaves]
        header["slots"][slot] = {
            "treedef": tree.to_json(slot_treedef),
            "leaves": [[list(leaf.shape), leaf.dtype.str] for leaf in leaves],
        }
        arrays.update({f"{slot}/{i}": leaf for i, leaf in enumerate(leaves)})
    arrays["header"] = np.array(json.dumps(header))
    with open(path, "wb") as file:
        np.savez(file, **arrays)


def load_state(path):
    """Read a state written by `save_state`; raises `CheckpointError` if it is not one."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise MissingCheckpointError(2, "checkpoint file does not exist", path)
    try:
        data = np.load(path, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("it holds a single array, not an .npz archive")
        with data:
            arrays = {name: data[name] for name in data.files}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, pickle.UnpicklingError) as error:
        raise CheckpointError(
            f"{path!r} is not a readable mlopt checkpoint (truncated or another format): {error}"
        ) from None
    try:
        header = json.loads(str(arrays.pop("header")))
        if header.get("format") != FORMAT:
            raise ValueError(f"format {header.get('format')!r}, expected {FORMAT!r}")
        treedef = tree.from_json(header["treedef"])
        leaf_specs = tuple((tuple(shape), dtype) for shape, dtype in header["leaves"])
        slots = {}
        for slot, slot_header in header["slots"].items():
            leaves = []
            for i, (shape, dtype) in enumerate(slot_header["leaves"]):
                leaf = arrays.pop(f"{slot}/{i}")
                if leaf.shape != tuple(shape) or leaf.dtype.str != dtype:
                    raise ValueError(f"buffer {slot}/{i} has shape {leaf.shape}, expected {tuple(shape)}")
                leaves.append(leaf)
            slots[slot] = tree.unflatten(tree.from_json(slot_header["treedef"]), leaves)
        if arrays:
            raise ValueError(f"unexpected arrays {sorted(arrays)}")
        return State(str(header["optimizer"]), int(header["step"]), slots, (treedef, leaf_specs))
    except (KeyError, TypeError, ValueError, AttributeError, StopIteration) as error:
        raise CheckpointError(f"{path!r} is not a valid mlopt checkpoint: {error}") from None
