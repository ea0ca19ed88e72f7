"""One module per optimizer; ``OPTIMIZERS`` maps each name to its factory."""

from .adadelta import adadelta
from .adagrad import adagrad
from .adam import adam
from .adamax import adamax
from .adamw import adamw
from .amsgrad import amsgrad
from .gd import gd
from .lion import lion
from .momentum import momentum
from .nadam import nadam
from .nesterov import nesterov
from .radam import radam
from .rmsprop import rmsprop

# In the order the book builds the ideas.
OPTIMIZERS = {
    factory.__name__: factory
    for factory in (
        gd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamax,  # the source post's era
        adamw, amsgrad, nadam, radam, lion,  # and after
    )
}
