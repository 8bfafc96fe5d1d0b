"""Data-parallel training with DistributedDataParallel, launched by ``torchrun``.

    torchrun --standalone --nproc_per_node=4 benchmarks/train_biggan.py --steps 2000

``torchrun`` starts one process per GPU and sets ``RANK``, ``WORLD_SIZE`` and
``LOCAL_RANK``; :func:`init` reads them and joins the process group (NCCL on
CUDA, gloo on the CPU). In one plain ``python`` process every helper here is a
no-op, so the same script runs both ways.

How a run on N processes stays the single-process run on N × B samples:

- every process seeds the same, draws the *whole* batch of N × B (the data
  order, the noise) and keeps its own B (:meth:`Replicas.shard_batches`,
  :meth:`Replicas.shard_noise`): rank r takes rows r·B … (r+1)·B − 1;
- :func:`wrap` makes a network ``DistributedDataParallel``: after each backward
  the gradients are averaged over the processes (an all-reduce), so with a loss
  that is a mean over the batch every process takes the step the N × B batch
  would give;
- BatchNorm normalises with each process's own B samples unless it is made
  cross-replica: :func:`wrap` converts it to ``SyncBatchNorm`` on CUDA (NCCL),
  which computes the statistics over all N × B; gloo has no SyncBatchNorm;
- only rank 0 writes checkpoints (:meth:`Replicas.main_only`); every process
  can resume from that file.

PyTorch's DDP: Li et al. (2020, arXiv:2006.15704). BigGAN's cross-replica
BatchNorm: Brock et al. (2018, arXiv:1809.11096); chapter *BigGAN*.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.distributed as dist
from torch import Tensor, nn

from gantutor import runtime
from gantutor.data.batches import Batch, draw, like, parts


@dataclass(frozen=True)
class Replicas:
    """Where this process stands: its rank among ``world_size``, and its device."""

    rank: int = 0
    world_size: int = 1
    local_rank: int = 0
    device: torch.device = field(default_factory=lambda: torch.device("cpu"))

    @property
    def main(self) -> bool:
        """Rank 0: the process that prints and writes checkpoints."""
        return self.rank == 0

    @property
    def active(self) -> bool:
        """More than one process: gradients are all-reduced."""
        return self.world_size > 1

    def local(self, t: Tensor, n: int = 1) -> Tensor:
        """This rank's rows of ``n`` global batches of N × B rows, (n·B, ...)."""
        if len(t) % (n * self.world_size):
            raise ValueError(
                f"{len(t)} rows do not split into {n} batches of {self.world_size} "
                f"equal shares; draw N × B rows per batch (N = world_size)"
            )
        shares = t.unflatten(0, (n, self.world_size, -1))  # (n, N, B, ...)
        return shares[:, self.rank].flatten(0, 1)  # (n·B, ...)

    def shard_batches(self, batches: Iterator) -> ShardedBatches:
        """This rank's share of a source whose batches hold N × B samples."""
        return ShardedBatches(batches, self)

    def shard_noise(
        self, noise: Callable[[int, torch.device], tuple[Tensor, ...]]
    ) -> Callable[[int, torch.device], tuple[Tensor, ...]]:
        """``noise(n, device)`` drawn for all N × n and cut to this rank's n."""

        def sharded(n: int, device: torch.device) -> tuple[Tensor, ...]:
            return tuple(self.local(t) for t in noise(n * self.world_size, device))

        return sharded

    def main_only(self, path: str | Path | None) -> Path | None:
        """``path`` on rank 0, ``None`` elsewhere: the trainer's ``checkpoint``."""
        return Path(path) if path is not None and self.main else None

    def barrier(self) -> None:
        """Wait for every process (after rank 0 wrote a file the others read)."""
        if self.active:
            dist.barrier()


class ShardedBatches:
    """This rank's share of each batch of ``batches`` (which hold N × B samples).

    Every rank runs the same source with the same seed; ``draw(n)`` takes the
    next ``n`` global batches and keeps this rank's B of each. ``state_dict``
    is the source's, so a resumed run draws the same batches.
    """

    def __init__(self, batches: Iterator, replicas: Replicas):
        self.batches, self.replicas = batches, replicas

    def __iter__(self) -> Iterator[Batch]:
        return self

    def __next__(self) -> Batch:
        return self.draw(1)

    def draw(self, n: int = 1) -> Batch:
        batch = draw(self.batches, n)
        return like(batch, [self.replicas.local(p, n) for p in parts(batch)])

    def state_dict(self) -> dict:
        return self.batches.state_dict() if hasattr(self.batches, "state_dict") else {}

    def load_state_dict(self, state: dict) -> None:
        if hasattr(self.batches, "load_state_dict"):
            self.batches.load_state_dict(state)


def from_env(environ: dict[str, str] | None = None) -> tuple[int, int, int]:
    """(rank, world_size, local_rank) as ``torchrun`` sets them; (0, 1, 0) unset."""
    env = os.environ if environ is None else environ
    rank, world = int(env.get("RANK", 0)), int(env.get("WORLD_SIZE", 1))
    if world < 1 or not 0 <= rank < world:
        raise ValueError(
            f"RANK={rank}, WORLD_SIZE={world}: need 0 ≤ RANK < WORLD_SIZE; launch "
            f"with torchrun, or unset both for one process"
        )
    return rank, world, int(env.get("LOCAL_RANK", rank))


def init(backend: str | None = None) -> Replicas:
    """Join the process group that ``torchrun`` set up; a no-op in one process.

    The backend is NCCL when CUDA is available, else gloo; each process takes
    the GPU ``cuda:LOCAL_RANK``. Without ``torchrun`` (``WORLD_SIZE`` unset or
    1) nothing is initialised and the device is :func:`gantutor.runtime.device`.
    """
    rank, world, local = from_env()
    if world == 1:
        return Replicas(device=runtime.device())
    cuda = torch.cuda.is_available()
    device = torch.device(f"cuda:{local}" if cuda else "cpu")
    if cuda:
        torch.cuda.set_device(device)
    if not dist.is_initialized():
        dist.init_process_group(backend or ("nccl" if cuda else "gloo"))
    return Replicas(rank, world, local, device)


def wrap(module: nn.Module, replicas: Replicas, sync_bn: bool = True) -> nn.Module:
    """``module`` as DistributedDataParallel (itself in one process).

    On CUDA its BatchNorms become ``SyncBatchNorm`` first (cross-replica
    statistics), unless ``sync_bn=False``. The module must be on
    ``replicas.device``; keep the unwrapped module for checkpoints and EMA.
    """
    if not replicas.active:
        return module
    cuda = replicas.device.type == "cuda"
    if cuda and sync_bn:
        module = nn.SyncBatchNorm.convert_sync_batchnorm(module)
    ids = [replicas.device.index] if cuda else None
    return nn.parallel.DistributedDataParallel(module, device_ids=ids)


def close() -> None:
    """Leave the process group (a no-op when none was joined)."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
