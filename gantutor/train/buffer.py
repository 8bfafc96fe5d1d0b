"""A history buffer of generated images (Shrivastava et al. 2017, arXiv:1612.07828).

The discriminator is updated on a mix of the newest fakes and older ones, so it
does not forget what the generator did a few steps ago and the two oscillate less.
CycleGAN (Zhu et al. 2017, §4) keeps the last 50. The buffer lives in ``train``
because it is state kept between steps that knows nothing of GANs: it replays
tensors. It draws its coin flips and slots from PyTorch's default CPU generator
(``torch.rand``, ``torch.randint``), so ``torch.manual_seed`` makes it reproducible;
the draws are read on the host, so a step using it is not CUDA-graph safe.
"""

from __future__ import annotations

import torch
from torch import Tensor

P_SWAP = 0.5  # once full, the chance that a new image is swapped for a stored one


class ImageBuffer:
    """Stores up to ``size`` past images and mixes them into the batches it returns.

    :meth:`push_and_sample` takes a batch (B, ...) and returns one of the same shape:
    while the buffer is not full each new image is stored and returned as is; once
    full, each new image is with probability ½ swapped for a stored one at a uniform
    slot (the stored one returned, the new one stored in its place), else returned
    as is. Images are stored detached.
    """

    def __init__(self, size: int = 50):
        if not isinstance(size, int) or size < 1:
            raise ValueError(f"size must be a positive integer, got {size!r}")
        self.size = size
        self.images: Tensor | None = None  # (count, ...) stored images

    def __len__(self) -> int:
        return 0 if self.images is None else len(self.images)

    def push_and_sample(self, x: Tensor) -> Tensor:
        """The batch to show D: new images, some swapped for stored ones once full."""
        x = x.detach()
        if self.images is not None and self.images.device != x.device:
            self.images = self.images.to(x.device)  # restored from a CPU checkpoint
        coins = torch.rand(len(x)).tolist()  # one coin per image, CPU generator
        slots = torch.randint(self.size, (len(x),)).tolist()
        out = []
        for image, coin, slot in zip(x, coins, slots, strict=True):
            if len(self) < self.size:
                self._store(image)
                out.append(image)
            elif coin < P_SWAP:
                out.append(self.images[slot].clone())
                self.images[slot] = image
            else:
                out.append(image)
        return torch.stack(out)  # (B, ...)

    def _store(self, image: Tensor) -> None:
        image = image.unsqueeze(0).clone()  # (1, ...)
        self.images = image if self.images is None else torch.cat([self.images, image])

    def state_dict(self) -> dict:
        """The size and the stored images (a copy), for a checkpoint."""
        images = None if self.images is None else self.images.clone()
        return {"size": self.size, "images": images}

    def load_state_dict(self, state: dict) -> None:
        """Restore what :meth:`state_dict` returned."""
        images = state["images"]
        if images is not None and len(images) > state["size"]:
            raise ValueError(
                f"{len(images)} stored images do not fit a buffer of {state['size']}"
            )
        self.size = state["size"]
        self.images = None if images is None else images.clone()
