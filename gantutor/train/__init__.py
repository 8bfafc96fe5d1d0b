"""Training: the generic loop, its history, callbacks and the GPU path.

``trainer`` (:class:`Trainer`: device moves, progress, history, callbacks, the NaN
guard), ``checkpoint`` (save and resume, bit for bit), ``history``, ``callbacks``
(snapshots for widgets and animations), ``accel`` (the GPU switches),
``cuda_graph`` (the step as one CUDA graph), ``ema`` (a moving average of weights),
``distributed`` (data-parallel training launched by torchrun). The loop knows
nothing of GANs: the step does.
"""

from gantutor.train import (
    accel,
    buffer,
    callbacks,
    checkpoint,
    cuda_graph,
    distributed,
    ema,
)
from gantutor.train.accel import Accel
from gantutor.train.buffer import ImageBuffer
from gantutor.train.ema import EMA
from gantutor.train.history import History
from gantutor.train.trainer import Callback, NonFiniteLossError, Step, Trainer

__all__ = [
    "Accel",
    "Callback",
    "EMA",
    "History",
    "ImageBuffer",
    "NonFiniteLossError",
    "Step",
    "Trainer",
    "accel",
    "buffer",
    "callbacks",
    "checkpoint",
    "cuda_graph",
    "distributed",
    "ema",
]
