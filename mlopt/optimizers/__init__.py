"""One module per optimizer; ``OPTIMIZERS`` maps each name to its factory."""

import inspect
import sys

from ..hyper import OPTIONS, fact
from .adadelta import adadelta
from .adafactor import adafactor
from .adagrad import adagrad
from .adam import adam
from .adamax import adamax
from .adamw import adamw
from .adamw_schedule_free import adamw_schedule_free
from .amsgrad import amsgrad
from .asgd import asgd
from .gd import gd
from .lbfgs import lbfgs
from .lion import lion
from .momentum import momentum
from .muon import muon
from .nadam import nadam
from .nesterov import nesterov
from .newton import newton
from .radam import radam
from .rmsprop import rmsprop
from .rmsprop_centered import rmsprop_centered
from .rprop import rprop
from .sgd_schedule_free import sgd_schedule_free

# In the order the book builds the ideas.
OPTIMIZERS = {
    factory.__name__: factory
    for factory in (
        gd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamax,  # the source post's era
        adamw, amsgrad, nadam, radam, lion,  # and after
        rprop,  # and before (1993): signs and step sizes
        rmsprop_centered,  # RMSProp's variant (2013), in its chapter
        asgd, sgd_schedule_free, adamw_schedule_free,  # averaging the iterates
        adafactor, muon,  # rules on whole matrices
        newton, lbfgs,  # curvature: they evaluate the loss themselves (mlopt.closure)
    )
}


def about(name):
    """What mlopt knows of a factory's argument: its hyperparameter facts, or its option's."""
    return OPTIONS[name] if name in OPTIONS else fact(name)


def _with_the_maths(factory):
    """Make ``help(mlopt.adam)`` show the maths: the factory's summary and example, each
    hyperparameter with its default, allowed values and meaning (from mlopt.hyper.FACTS),
    then its module's docstring (algorithm box, reference, conventions), which stays the
    one place those are written."""
    rows = [
        f"    {name}={p.default!r}  in {about(name).interval()}: {about(name).meaning}"
        for name, p in inspect.signature(factory).parameters.items()
    ]
    module = inspect.cleandoc(sys.modules[factory.__module__].__doc__)
    factory.__doc__ = (f"{inspect.cleandoc(factory.__doc__)}\n\nHyperparameters (default, allowed values, "
                       f"meaning):\n\n" + "\n".join(rows) + f"\n\n{module}")
    return factory


for _factory in OPTIMIZERS.values():
    _with_the_maths(_factory)
