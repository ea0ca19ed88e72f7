"""The pictures: everything in mlopt that draws (matplotlib, PIL, ipywidgets).

The package has two layers, and the imports only go one way:

- ``mlopt`` (numpy only): the optimizers' rules (`mlopt.optimizers`), the
  machinery that lifts them to trees (`mlopt.core`, `mlopt.tree`, `mlopt.hyper`,
  `mlopt.partition`), the records (`mlopt.records`), schedules, surfaces,
  trajectories and sweeps, models, checkpoints and the self-check;
- ``mlopt.viz`` (this package): figures (`plot`), the explorer's persistent
  figure (`scene`), the live explorer (`widgets.Explorer`), its kernel-free twin
  for the website (`viewer.static_explorer`) and the same explorer on a plain web
  page (`webpage.Page`). Nothing in here computes an update.

A chapter needs one line: ``from mlopt.viz import Explorer, plot, static_explorer``.
"""

from . import plot
from .viewer import static_explorer
from .widgets import Explorer

__all__ = ["Explorer", "plot", "static_explorer"]
