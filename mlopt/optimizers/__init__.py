"""One module per optimizer; ``OPTIMIZERS`` maps each name to its factory."""

from .adadelta import adadelta
from .adagrad import adagrad
from .adam import adam
from .adamax import adamax
from .gd import gd
from .momentum import momentum
from .nesterov import nesterov
from .rmsprop import rmsprop

# In the order the book builds the ideas.
OPTIMIZERS = {
    factory.__name__: factory
    for factory in (gd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamax)
}
