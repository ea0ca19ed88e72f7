"""One record per optimizer: everything about it that is not its rule.

The rule is its module in `mlopt.optimizers`; everything else the book, the
pictures and the tests need to know about an optimizer is written here, once:
its name in prose, its family and chapter, the lr its pictures start from, a
non-default setting for the tests, its convergence budgets, and how it maps to
its torch.optim class. Like torch's ``optim_db`` and optax's table of optimizers
under test, every test reads this table, and ``tests/test_records.py`` fails,
naming the place, if an optimizer is missing from it, from the book's table of
contents, from the README, from the package's exports or from its naive
reference in ``tests/reference.py``.

Adding an optimizer: its module (``mlopt/optimizers/<name>.py``, listed in
``OPTIMIZERS``), its record here, its chapter and its line in ``_toc.yml``.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .optimizers import OPTIMIZERS


@dataclass(frozen=True)
class Reference:
    """How an mlopt optimizer maps to its counterpart in a torch library (torch.optim, or
    schedulefree for Schedule-Free), against which tests/test_torch_parity.py checks it.

    ``arguments`` turns mlopt's hyperparameters (all of them, by name) into the
    class's keyword arguments; ``buffers`` maps each mlopt state buffer to the key
    of its per-parameter state that holds the same numbers, or ``"group:<key>"``
    for a number it keeps per parameter group.
    """

    cls: str  # the class's name in the library
    arguments: Callable[..., dict]
    buffers: dict = field(default_factory=dict)
    library: str = "torch.optim"


@dataclass(frozen=True)
class Record:
    title: str  # its name in prose ("AdaGrad"); the intro names every one
    family: str  # one of FAMILIES: the panel it is drawn in when all are compared
    chapter: str  # the page of book/ that teaches it (a file in _toc.yml)
    start_lr: float  # the explorer's and the pictures' first lr: visible motion in a few hundred steps
    non_default: dict  # a setting with every hyperparameter away from its default, for the tests
    # surface -> (lr, steps) that reach within 1e-3 of the minimum (tests/test_convergence.py);
    # each lr a round value inside the range that converges, each budget about 1.5x the measured steps.
    budgets: dict  # none for Muon and Adafactor, which do not run on the 2D surfaces (ON_SURFACES)
    reference: Reference | None  # None: no torch library has it; the naive reference is its check
    # Settings its runs on the 2D surfaces take (explorer, pictures, budgets): L-BFGS one iteration per step.
    on_surfaces: dict = field(default_factory=dict)


def _adam_like(**fixed):
    """torch's arguments for the Adam family: ``betas`` is the pair (beta1, beta2)."""
    def arguments(lr, beta1, beta2, eps, weight_decay, **rest):
        return dict(lr=lr, betas=(beta1, beta2), eps=eps, weight_decay=weight_decay, **rest, **fixed)
    return arguments


_ADAM_BUFFERS = {"m": "exp_avg", "v": "exp_avg_sq"}

RECORDS = {
    "gd": Record(
        "gradient descent", "gradient descent and momentum", "gd", 1e-3,
        dict(lr=0.05, weight_decay=0.1, maximize=True),
        {"quadratic": (0.1, 200), "rosenbrock": (1e-3, 26000)},  # measured 70, 17082
        Reference("SGD", lambda lr, weight_decay: dict(lr=lr, weight_decay=weight_decay)),
    ),
    "momentum": Record(
        "momentum", "gradient descent and momentum", "momentum", 1e-3,
        dict(lr=0.02, beta=0.8, dampening=0.3, weight_decay=0.05, maximize=True),
        {"quadratic": (0.02, 500), "rosenbrock": (1e-3, 2500)},  # 266, 1580
        Reference("SGD", lambda lr, beta, dampening, weight_decay: dict(lr=lr, momentum=beta, dampening=dampening,
                                                                         weight_decay=weight_decay),
              {"v": "momentum_buffer"}),
    ),
    "nesterov": Record(
        "Nesterov", "gradient descent and momentum", "nesterov", 1e-3,
        dict(lr=0.02, beta=0.7, weight_decay=0.05, maximize=True),
        {"quadratic": (0.02, 400), "rosenbrock": (1e-3, 2500)},  # 223, 1620
        Reference("SGD", lambda lr, beta, weight_decay: dict(lr=lr, momentum=beta, nesterov=True,
                                                         weight_decay=weight_decay),
              {"v": "momentum_buffer"}),
    ),
    "adagrad": Record(
        "AdaGrad", "per-coordinate step sizes", "adagrad", 0.5,
        dict(lr=0.3, eps=1e-6, lr_decay=0.05, initial_accumulator_value=0.2, weight_decay=0.02, maximize=True),
        {"quadratic": (0.5, 100), "rosenbrock": (0.5, 14000)},  # 52, 8923
        Reference("Adagrad", lambda **hp: hp, {"G": "sum"}),
    ),
    "rmsprop": Record(
        "RMSProp", "per-coordinate step sizes", "rmsprop", 1e-2,
        dict(lr=0.02, beta=0.9, eps=1e-6, weight_decay=0.03, maximize=True),
        # 3730 on the quadratic: it hovers within about lr of the minimum; 9465 on Rosenbrock
        {"quadratic": (1e-3, 6000), "rosenbrock": (1e-3, 15000)},
        Reference("RMSprop", lambda lr, beta, eps, weight_decay: dict(lr=lr, alpha=beta, eps=eps,
                                                                  weight_decay=weight_decay),
              {"v": "square_avg"}),
    ),
    "adadelta": Record(
        "AdaDelta", "per-coordinate step sizes", "adadelta", 1.0,
        dict(lr=0.7, rho=0.95, eps=1e-5, weight_decay=0.01, maximize=True),
        # 1544, 20562: on Rosenbrock lr = 1 (Zeiler's) never settles
        {"quadratic": (0.2, 2500), "rosenbrock": (0.01, 31000)},
        Reference("Adadelta", lambda lr, rho, eps, weight_decay: dict(lr=lr, rho=rho, eps=eps,
                                                                  weight_decay=weight_decay),
              {"Eg2": "square_avg", "Edx2": "acc_delta"}),
    ),
    "adam": Record(
        "Adam", "Adam and its variants", "adam", 0.05,
        dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1, maximize=True),
        {"quadratic": (0.05, 250), "rosenbrock": (2e-3, 14000)},  # 141, 8981
        Reference("Adam", _adam_like(), _ADAM_BUFFERS),
    ),
    "adamax": Record(
        "AdaMax", "Adam and its variants", "adamax", 0.05,
        dict(lr=0.05, beta1=0.85, beta2=0.98, eps=1e-6, weight_decay=0.1, maximize=True),
        {"quadratic": (0.1, 400), "rosenbrock": (0.01, 8000)},  # 266, 5287
        Reference("Adamax", _adam_like(), {"m": "exp_avg", "u": "exp_inf"}),
    ),
    "rmsprop_centered": Record(
        "centered RMSProp", "per-coordinate step sizes", "rmsprop", 1e-3,  # taught in the RMSProp chapter
        dict(lr=5e-3, beta=0.9, momentum=0.8, eps=1e-6, weight_decay=0.03, maximize=True),
        # 1058 and 2317; at lr >= 1e-3 it hovers (its divisor, the std of g, shrinks near a minimum)
        {"quadratic": (1e-4, 1600), "rosenbrock": (1e-4, 3500)},
        Reference("RMSprop", lambda lr, beta, momentum, eps, weight_decay: dict(
            lr=lr, alpha=beta, momentum=momentum, eps=eps, weight_decay=weight_decay, centered=True),
            {"v": "square_avg", "g_avg": "grad_avg", "buf": "momentum_buffer"}),
    ),
    # After the source post. AdamW and RAdam at lr >= 2e-3, and NAdam at 2e-3 ... 5e-3, hover
    # around the quadratic's minimum in a cycle wider than 1e-3; Lion moves every coordinate
    # by lr each step, so it ends within about lr.
    "adamw": Record(
        "AdamW", "Adam and its variants", "adamw", 0.05,
        dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.3, maximize=True),
        {"quadratic": (3e-4, 13000), "rosenbrock": (1e-3, 22000)},  # 8835, 14490
        Reference("AdamW", _adam_like(), _ADAM_BUFFERS),
    ),
    "amsgrad": Record(
        "AMSGrad", "Adam and its variants", "adamw", 0.05,  # taught in the AdamW chapter
        dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1, maximize=True),
        {"quadratic": (0.05, 250), "rosenbrock": (0.1, 2500)},  # 142, 1601
        Reference("Adam", _adam_like(amsgrad=True), {**_ADAM_BUFFERS, "v_max": "max_exp_avg_sq"}),
    ),
    "nadam": Record(
        "NAdam", "Adam and its variants", "nadam", 0.05,
        dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, momentum_decay=0.01, weight_decay=0.1, maximize=True),
        {"quadratic": (0.02, 400), "rosenbrock": (1e-3, 19000)},  # 237, 12853
        # torch keeps one mu_product per tensor; mlopt one per element (all equal)
        Reference("NAdam", _adam_like(), {**_ADAM_BUFFERS, "mu_product": "mu_product"}),
    ),
    "radam": Record(
        "RAdam", "Adam and its variants", "radam", 0.05,
        dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1, maximize=True),
        {"quadratic": (3e-4, 15000), "rosenbrock": (1e-3, 22000)},  # 9911, 14841
        Reference("RAdam", _adam_like(), _ADAM_BUFFERS),
    ),
    "lion": Record(
        "Lion", "sign of the momentum", "lion", 0.01,
        dict(lr=0.01, beta1=0.8, beta2=0.95, weight_decay=0.5, maximize=True),
        {"quadratic": (3e-4, 8000), "rosenbrock": (3e-4, 15000)},  # 5307, 9860
        None,
    ),
    "asgd": Record(
        "ASGD", "gradient descent and momentum", "averaging", 1e-3,
        dict(lr=0.02, lambd=1e-3, alpha=0.6, t0=5.0, weight_decay=0.05, maximize=True),
        # 70 and 18107; on Rosenbrock lr >= 3e-3 diverges or stalls (its step decays slowly)
        {"quadratic": (0.1, 110), "rosenbrock": (1e-3, 27000)},
        Reference("ASGD", lambda lr, lambd, alpha, t0, weight_decay: dict(
            lr=lr, lambd=lambd, alpha=alpha, t0=t0, weight_decay=weight_decay), {"ax": "ax"}),
    ),
    "sgd_schedule_free": Record(
        "Schedule-Free SGD", "gradient descent and momentum", "averaging", 1e-3,
        dict(lr=0.05, momentum=0.7, weight_decay=0.05, warmup_steps=5, r=1.0, weight_lr_power=1.5, maximize=True),
        # 647; on Rosenbrock 28801, and only lr = 5e-3 of the grid gets there within 40000 steps
        {"quadratic": (0.1, 1000), "rosenbrock": (5e-3, 43000)},
        Reference("SGDScheduleFreeReference", lambda **hp: hp,
                  {"z": "z", "x": "x", "lr_max": "group:lr_max", "weight_sum": "group:weight_sum"},
                  library="schedulefree"),
    ),
    "adamw_schedule_free": Record(
        "Schedule-Free AdamW", "Adam and its variants", "averaging", 0.05,
        dict(lr=0.05, beta1=0.8, beta2=0.99, eps=1e-6, weight_decay=0.1, warmup_steps=5, r=1.0,
             weight_lr_power=1.5, maximize=True),
        {"quadratic": (1e-3, 14000), "rosenbrock": (5e-3, 26000)},  # 9163, 17282
        Reference("AdamWScheduleFreeReference", _adam_like(),
                  {"z": "z", "x": "x", "v": "exp_avg_sq", "lr_max": "group:lr_max",
                   "weight_sum": "group:weight_sum"}, library="schedulefree"),
    ),
    "adafactor": Record(
        "Adafactor", "per-coordinate step sizes", "matrices", 0.01,
        dict(lr=0.05, beta2_decay=-0.6, eps1=1e-20, eps2=1e-2, d=1.5, weight_decay=0.1, maximize=True),
        {},
        Reference("Adafactor", lambda lr, beta2_decay, eps1, eps2, d, weight_decay: dict(
            lr=lr, beta2_decay=beta2_decay, eps=(eps1, eps2), d=d, weight_decay=weight_decay),
            {"row_var": "row_var", "col_var": "col_var", "variance": "variance"}),
    ),
    "muon": Record(
        "Muon", "sign of the momentum", "matrices", 0.02,  # its U V^T is a matrix's sign
        dict(lr=0.02, weight_decay=0.05, momentum=0.9, nesterov=False, ns_coefficients=(2.0, -1.5, 0.5),
             eps=1e-6, ns_steps=4, adjust_lr_fn="match_rms_adamw", maximize=True),
        {},
        Reference("Muon", lambda **hp: hp, {"b": "momentum_buffer"}),
    ),
    "rprop": Record(
        "Rprop", "per-coordinate step sizes", "rprop", 1e-2,
        dict(lr=0.02, eta_minus=0.4, eta_plus=1.3, step_min=1e-5, step_max=2.0, maximize=True),
        # 39 on the quadratic; 3940 on Rosenbrock, where it then stalls at 8.5e-4 from the minimum
        # with both step sizes at step_min (at lr = 0.01 it stalls at 1.2e-3, outside the tolerance)
        {"quadratic": (1e-2, 60), "rosenbrock": (1e-3, 6000)},
        Reference("Rprop", lambda lr, eta_minus, eta_plus, step_min, step_max: dict(
            lr=lr, etas=(eta_minus, eta_plus), step_sizes=(step_min, step_max)),
            {"g_prev": "prev", "step_size": "step_size"}),
    ),
    "newton": Record(
        "Newton's method", "curvature", "curvature", 1.0,
        dict(lr=0.5, damping=0.3, maximize=True),
        {"quadratic": (1.0, 2), "rosenbrock": (1.0, 8)},  # 1 (exact), 5; lr = 2 overshoots forever
        None,
    ),
    "lbfgs": Record(
        "L-BFGS", "curvature", "curvature", 1.0,
        dict(lr=0.5, max_iter=4, max_eval=7, tolerance_grad=1e-6, tolerance_change=1e-8, history_size=3,
             line_search_fn="strong_wolfe", maximize=True),
        # 5 and 33 iterations; it then stops where g.d > -tolerance_change, 1e-5 to 4e-5 from the minimum
        {"quadratic": (1.0, 8), "rosenbrock": (1.0, 50)},
        Reference("LBFGS", lambda **hp: hp, {
            "d": "d", "t": "t", "s": "old_stps", "y": "old_dirs", "rho": "ro", "gamma": "H_diag",
            "g_prev": "prev_flat_grad", "loss_prev": "prev_loss", "evaluations": "func_evals",
            "iterations": "n_iter"}),
        on_surfaces=dict(max_iter=1, max_eval=25, line_search_fn="strong_wolfe"),
    ),
}

# The optimizers that run on the book's 2D surfaces, where a point is a vector of two
# numbers: the elementwise ones, and Newton and L-BFGS, which act on the whole vector.
# Muon and Adafactor act on whole matrices (their chapter says what each would do to a
# point, and why the explorer does not offer them).
ON_SURFACES = [name for name, factory in OPTIMIZERS.items()
               if factory().acts_on in ("element", "vector")]

# Families, for figures that would otherwise draw every optimizer on one panel: one panel
# (or row) per family, in the order the book builds the ideas.
FAMILIES = {}
for _name in OPTIMIZERS:
    if _name in RECORDS:
        FAMILIES.setdefault(RECORDS[_name].family, []).append(_name)


def on_surfaces(name, **settings):
    """Optimizer ``name`` as the book runs it on a 2D surface: its record's surface settings (L-BFGS's
    one iteration per step and line search), then ``settings``."""
    return OPTIMIZERS[name](**{**record(name).on_surfaces, **settings})


def record(name):
    """The record of optimizer ``name``, or an error that says where to add it."""
    if name not in RECORDS:
        raise KeyError(f"optimizer {name!r} has no record: add one to RECORDS in mlopt/records.py")
    return RECORDS[name]
