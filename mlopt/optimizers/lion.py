"""Lion (Chen et al., 2023, Algorithm 2): the sign of an interpolated momentum.

Algorithm box (chapter "Lion")::

    given lr, beta1, beta2 in [0, 1), weight_decay >= 0, theta_0, m_0 = 0
    for t = 1, 2, ...
        g_t     = grad J(theta_{t-1})
        c_t     = beta1 * m_{t-1} + (1 - beta1) * g_t                         (1)
        theta_t = theta_{t-1} - lr * (sign(c_t) + weight_decay * theta_{t-1}) (2)
        m_t     = beta2 * m_{t-1} + (1 - beta2) * g_t                         (3)

Reference: Chen et al. (2023), "Symbolic discovery of optimization
algorithms", Algorithm 2. torch.optim has no Lion; the tests check this module
against a scalar transcription of the algorithm.

Conventions:

- Every coordinate moves by exactly ``lr`` (plus the decay) at every step,
  whatever the size of its gradient: the update is a sign, like signSGD. So
  Lion's lr is typically 3 to 10 times smaller than AdamW's, and its
  weight_decay that much larger, to keep lr * weight_decay the same.
- sign(0) = 0: a coordinate whose c_t is exactly zero does not move (but for
  the decay). The step (2) uses beta1; the memory (3) uses beta2 > beta1, so
  the momentum that is kept is longer than the one that is used.
- The decay is decoupled, as in AdamW, and multiplied by lr, as torch does for AdamW.
"""

import numpy as np

from ..core import Optimizer


def update(theta, g, m, *, t, lr, beta1, beta2, weight_decay):
    """One Lion step on one array; returns ``(theta, m)``."""
    c = beta1 * m + (1 - beta1) * g  # (1) interpolate the memory and the gradient
    theta = theta - lr * (np.sign(c) + weight_decay * theta)  # (2) a step of lr per coordinate
    m = beta2 * m + (1 - beta2) * g  # (3) the memory, with the slower beta2
    return theta, m


def lion(lr=1e-4, beta1=0.9, beta2=0.99, weight_decay=0.0, maximize=False):
    """Lion: move every coordinate by lr, in the sign of a momentum.

    Example::

        >>> import numpy as np, mlopt
        >>> opt = mlopt.lion(lr=0.1)
        >>> theta = np.array([1.0, 100.0, 5.0]); state = opt.init(theta)
        >>> theta, state = opt.update(np.array([2.0, -1e-6, 0.0]), state, theta)
        >>> theta.round(6)     # +-lr whatever |g|; sign(0) = 0
        array([  0.9, 100.1,   5. ])
    """
    return Optimizer("lion", update, maximize=maximize, lr=lr, beta1=beta1, beta2=beta2, weight_decay=weight_decay)
