"""Feature extractors by name: images in [-1, 1] -> features (B, dim) and logits.

``"inception"``: pytorch-fid's Inception-v3 with the FID weights (the TensorFlow
2015 Inception ported by M. Seitzer), features = the 2048-d pool3 activations,
logits = its 1008-way classifier (for the Inception Score). Preprocessing is
pytorch-fid's: images are mapped to [0, 1], resized to 299×299 with bilinear
interpolation (``align_corners=False``, no antialiasing) and scaled to [-1, 1]
inside the network; grayscale images are replicated to 3 channels.

``"mnist-cnn"``: :class:`gantutor.models.Classifier` trained on real MNIST by
``scripts/train_mnist_classifier.py``; features = its 64-d penultimate
activations, logits = its 10 class scores. Numbers from it are *not* Inception
FID: report them as "FID (mnist-cnn)".
"""

from __future__ import annotations

import functools
import json
import socket
from collections.abc import Callable
from pathlib import Path
from unittest import mock

import torch
from torch import Tensor, nn

from gantutor import runtime

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "weights"
FID_WEIGHTS_FILE = "pt_inception-2015-12-05-6726825d.pth"


class Extractor(nn.Module):
    """``body``: images (B, C, H, W) in [-1, 1] -> features; ``head``: -> logits."""

    def __init__(
        self,
        name: str,
        body: nn.Module,
        head: nn.Module,
        dim: int,
        channels: int,
        size: int | None = None,
    ):
        super().__init__()
        self.name, self.dim, self.channels, self.size = name, dim, channels, size
        self.body, self.head = body, head

    def forward(self, x: Tensor) -> Tensor:
        if x.ndim != 4 or x.shape[1] not in (1, self.channels):
            raise ValueError(
                f"extractor {self.name!r} expects images (B, {self.channels}, H, W)"
                f"{' or grayscale (B, 1, H, W)' if self.channels == 3 else ''}; "
                f"got shape {tuple(x.shape)}"
            )
        if self.size is not None and x.shape[2:] != (self.size, self.size):
            raise ValueError(
                f"extractor {self.name!r} expects {self.size}×{self.size} images; "
                f"got {tuple(x.shape[2:])}"
            )
        if x.shape[1] != self.channels:
            x = x.expand(-1, self.channels, -1, -1)  # grayscale -> RGB
        return self.body(x).flatten(1)  # (B, dim)

    def logits(self, features: Tensor) -> Tensor:
        return self.head(features)  # (B, n_classes)


# --- Inception-v3 (pytorch-fid) ---------------------------------------------------


class _Pool3(nn.Module):
    """pytorch-fid's InceptionV3 on images in [-1, 1] -> pool3 (B, 2048, 1, 1)."""

    def __init__(self, net: nn.Module):
        super().__init__()
        self.net = net

    def forward(self, x: Tensor) -> Tensor:
        return self.net((x + 1) / 2)[0]  # the net resizes and rescales to [-1, 1]


def fid_weights_path() -> Path:
    """Where torch hub (and so pytorch-fid) keeps the FID Inception weights."""
    return Path(torch.hub.get_dir()) / "checkpoints" / FID_WEIGHTS_FILE


def fid_inception_weights(download: bool = True) -> dict[str, Tensor]:
    """The FID Inception weights: from torch hub's cache, else downloaded.

    ``GANTUTOR_OFFLINE=1`` (or ``download=False``) skips the download. There is no
    fallback to other Inception weights: FID is only comparable with these.
    """
    import pytorch_fid.inception as pfi

    path = fid_weights_path()
    offline = runtime.offline()
    if not path.exists():
        why = "download skipped (offline)"
        if download and not offline:
            old_timeout = socket.getdefaulttimeout()
            socket.setdefaulttimeout(20)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                torch.hub.download_url_to_file(pfi.FID_WEIGHTS_URL, str(path))
                why = ""
            except Exception as error:  # no network, proxy, disk full...
                why = f"download failed: {type(error).__name__}: {error}"
            finally:
                socket.setdefaulttimeout(old_timeout)
        if why:
            raise FileNotFoundError(
                f"The FID Inception weights are missing ({why}). Download "
                f"{pfi.FID_WEIGHTS_URL} on a machine with network access and put "
                f"the file {FID_WEIGHTS_FILE} in {path.parent} "
                f"(torch.hub.get_dir()/checkpoints), then run this again. "
                f"gantutor never substitutes other Inception weights."
            )
    return torch.load(path, map_location="cpu", weights_only=True)


def _pytorch_fid_net(state_dict: dict[str, Tensor] | None) -> nn.Module:
    """pytorch-fid's InceptionV3 with ``state_dict`` instead of its download call.

    ``None`` keeps the network's own random initial weights (tests only).
    """
    import pytorch_fid.inception as pfi

    built: list[nn.Module] = []
    make = pfi._inception_v3

    def make_and_keep(*args, **kwargs):
        built.append(make(*args, **kwargs))
        return built[-1]

    def weights(*args, **kwargs):
        return built[-1].state_dict() if state_dict is None else state_dict

    with (
        mock.patch.object(pfi, "_inception_v3", make_and_keep),
        mock.patch.object(pfi, "load_state_dict_from_url", weights),
    ):
        return pfi.InceptionV3([3], resize_input=True, normalize_input=True)


def _inception(name: str, state_dict: dict[str, Tensor] | None) -> Extractor:
    fc = nn.Linear(2048, 1008)
    if state_dict is not None:
        fc.load_state_dict(
            {"weight": state_dict["fc.weight"], "bias": state_dict["fc.bias"]}
        )
    body = _Pool3(_pytorch_fid_net(state_dict))
    return Extractor(name, body, fc, dim=2048, channels=3).eval()


def inception() -> Extractor:
    """Inception-v3 pool3 features with pytorch-fid's FID weights (see module)."""
    return _inception("inception", fid_inception_weights())


def inception_untrained_for_tests() -> Extractor:
    """The same network with random weights: for shapes in tests, never for FID."""
    return _inception("inception-untrained", None)


# --- the project's MNIST classifier ----------------------------------------------


def mnist_cnn_info() -> dict:
    """How the shipped MNIST classifier was trained, and its test accuracy."""
    return json.loads((WEIGHTS_DIR / "mnist_cnn.json").read_text())


def mnist_cnn() -> Extractor:
    """Penultimate (64-d) activations of the shipped MNIST classifier (see module)."""
    from gantutor.models import Classifier

    path = WEIGHTS_DIR / "mnist_cnn.pt"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: run `python scripts/train_mnist_classifier.py`"
        )
    net = Classifier()
    net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True))
    body, head = net.net[:-1], net.net[-1]  # up to the ReLU after Linear(.., 64)
    return Extractor("mnist-cnn", body, head, dim=64, channels=1, size=28).eval()


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "inception": inception,
    "mnist-cnn": mnist_cnn,
}


@functools.lru_cache(maxsize=4)
def _built(name: str, device: str) -> Extractor:
    return EXTRACTORS[name]().to(device)


def extractor(
    name: str | Extractor, device: torch.device | str | None = None
) -> Extractor:
    """The extractor registered as ``name`` (built once per device), on ``device``."""
    if isinstance(name, Extractor):
        return name if device is None else name.to(device)
    if name not in EXTRACTORS:
        raise ValueError(
            f"unknown feature extractor {name!r}; known: {', '.join(EXTRACTORS)}"
        )
    return _built(name, str(torch.device(device or "cpu")))
