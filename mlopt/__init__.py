"""mlopt: gradient-based optimizers from scratch, in numpy, exact to float64.

Every optimizer is a pair of pure functions::

    opt = mlopt.adam(lr=0.1)
    state = opt.init(params)                          # params: an array or a tree of arrays
    params, state = opt.update(grads, state, params)  # returns new values, mutates nothing

Each lives in its own module of `mlopt.optimizers`, written for one array in
the shape of its algorithm box; `mlopt.core` lifts it to trees of arrays.

Two layers, imports going one way:

- ``mlopt`` itself needs numpy only: the rules (`mlopt.optimizers`), the
  machinery (`core`, `tree`, `hyper`, `partition`), one record per optimizer
  (`records`), schedules, surfaces, trajectories and sweeps, models,
  checkpoints and the self-check;
- ``mlopt.viz`` draws (matplotlib, Pillow, ipywidgets): figures, the explorer
  and its kernel-free twin. It computes no update of its own.
"""

from .checkpoint import CheckpointError, MissingCheckpointError, load_state, save_state
from .closure import ClosureOptimizer
from .core import Optimizer, PerLeaf, State, per_leaf
from .optimizers import (
    OPTIMIZERS,
    adadelta,
    adafactor,
    adagrad,
    adam,
    adamax,
    adamw,
    adamw_schedule_free,
    amsgrad,
    asgd,
    gd,
    lbfgs,
    lion,
    momentum,
    muon,
    nadam,
    nesterov,
    newton,
    radam,
    rmsprop,
    rmsprop_centered,
    rprop,
    sgd_schedule_free,
)

__all__ = [
    "OPTIMIZERS",
    "CheckpointError",
    "ClosureOptimizer",
    "MissingCheckpointError",
    "Optimizer",
    "Partition",
    "PerLeaf",
    "State",
    "adadelta",
    "adafactor",
    "adagrad",
    "adam",
    "adamax",
    "adamw",
    "adamw_schedule_free",
    "amsgrad",
    "asgd",
    "gd",
    "lbfgs",
    "lion",
    "load_state",
    "momentum",
    "muon",
    "nadam",
    "nesterov",
    "newton",
    "per_leaf",
    "radam",
    "rmsprop",
    "rmsprop_centered",
    "rprop",
    "save_state",
    "sgd_schedule_free",
]
__version__ = "0.1.0"

from . import schedules, surfaces  # noqa: E402  (numpy only; mlopt.viz, the pictures, needs matplotlib)
from .partition import Partition  # noqa: E402
from .surfaces import SURFACES, Surface  # noqa: E402
from .trajectory import Sweep, diverged_at, sweep, trajectory  # noqa: E402

__all__ += [
    "SURFACES", "Surface", "Sweep", "diverged_at", "schedules", "surfaces", "sweep", "trajectory"
]
