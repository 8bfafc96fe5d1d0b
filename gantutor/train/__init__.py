"""Training: the generic loop, its history, callbacks and the GPU path.

``trainer`` (:class:`Trainer`: device moves, progress, history, callbacks, the NaN
guard), ``checkpoint`` (save and resume, bit for bit), ``history``, ``callbacks``
(snapshots for widgets and animations), ``accel`` (the GPU switches),
``cuda_graph`` (the step as one CUDA graph). The loop knows nothing of GANs: the
step does.
"""

from gantutor.train import accel, buffer, callbacks, checkpoint, cuda_graph
from gantutor.train.accel import Accel
from gantutor.train.buffer import ImageBuffer
from gantutor.train.history import History
from gantutor.train.trainer import Callback, NonFiniteLossError, Step, Trainer

__all__ = [
    "Accel",
    "Callback",
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
]
