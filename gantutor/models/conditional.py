"""Conditional models: the label enters G and D (chapters *cGAN* and *ACGAN*).

Labels are integer class indices, shape (B,), in [0, n_classes), checked by
:func:`check_labels`. Discriminators return realness logits, shape (B,) (see
:mod:`gantutor.losses`); an auxiliary classifier returns class *logits*, never
probabilities (softmax then cross-entropy applies the softmax twice).

- :class:`ConditionalGenerator`: G(z, y) = body([z, code(y)]), the label code a
  one-hot or a learned embedding (Mirza & Osindero 2014, arXiv:1411.1784).
- :class:`ConcatDiscriminator`: D(x, y) on x with the label code appended (to the
  flat input, or as constant channels of an image): the cGAN paper's way.
- :class:`ProjectionDiscriminator`: D(x, y) = ψ(φ(x)) + ⟨embed(y), φ(x)⟩
  (Miyato & Koyama 2018, arXiv:1802.05637).
- :class:`AuxiliaryDiscriminator`: x -> (realness logit, class logits), ACGAN's D
  (Odena, Olah & Shlens 2017, arXiv:1610.09585).
- :class:`WithLabels`: G(z) = G(z, y) for fixed labels, where code calls G(z).

``body="mlp"`` works for any data shape; ``body="dcgan"`` for (C, S, S) images
with S in 28, 32, 64 (the layers of :mod:`gantutor.models.dcgan`).
"""

from __future__ import annotations

import math

import torch
from torch import Tensor, nn

from gantutor.models.dcgan import DCGANDiscriminator, DCGANGenerator
from gantutor.models.layers import as_shape, check_input, mlp, positive
from gantutor.models.mlp import MLPDiscriminator, MLPGenerator

BODIES = ("mlp", "dcgan")
EMBEDDINGS = ("onehot", "learned")


def check_labels(y: Tensor | None, n_classes: int, batch: int, who: str) -> None:
    """Raise a clear error unless ``y`` holds ``batch`` class indices in [0, n_classes).

    The range check reads the labels on the host; it is skipped while a CUDA
    graph is being captured (the eager warm-up steps before it have checked them).
    """
    if y is None:
        raise ValueError(
            f"{who} needs the labels y: call it as {who}(x_or_z, y) with y the "
            f"class indices, shape (B,)"
        )
    if not isinstance(y, Tensor):
        raise TypeError(f"{who}: labels must be a tensor, got {type(y).__name__}")
    if y.is_floating_point() or y.is_complex() or y.dtype == torch.bool:
        raise ValueError(
            f"{who}: labels must be integer class indices (torch.long), got {y.dtype}"
            f"; for one-hot or probability rows pass y.argmax(1)"
        )
    if y.dim() != 1 or len(y) != batch:
        raise ValueError(
            f"{who}: labels must have shape (B,) = ({batch},), one index per sample; "
            f"got {tuple(y.shape)}"
        )
    if y.is_cuda and torch.cuda.is_current_stream_capturing():
        return
    if len(y) and (int(y.min()) < 0 or int(y.max()) >= n_classes):
        raise ValueError(
            f"{who}: labels must lie in [0, {n_classes - 1}] (n_classes={n_classes}); "
            f"got values from {int(y.min())} to {int(y.max())}"
        )


def one_hot(y: Tensor, n_classes: int) -> Tensor:
    """One-hot rows (B, n_classes), float, without a host sync (unlike F.one_hot)."""
    classes = torch.arange(n_classes, device=y.device)
    return (y[:, None] == classes).float()  # (B, n_classes)


class LabelCode(nn.Module):
    """Labels (B,) -> codes (B, dim): one-hot (dim = n_classes) or learned embedding."""

    def __init__(
        self, n_classes: int, embedding: str = "onehot", dim: int | None = None
    ):
        super().__init__()
        positive("n_classes", n_classes)
        if embedding not in EMBEDDINGS:
            raise ValueError(
                f"embedding must be one of {EMBEDDINGS}, got {embedding!r}"
            )
        if embedding == "onehot" and dim not in (None, n_classes):
            raise ValueError(
                f"a one-hot code has n_classes={n_classes} entries; embed_dim={dim} "
                f"needs embedding='learned'"
            )
        self.n_classes, self.dim = n_classes, n_classes if dim is None else dim
        positive("embed_dim", self.dim)
        self.embed = (
            nn.Embedding(n_classes, self.dim) if embedding == "learned" else None
        )

    def forward(self, y: Tensor) -> Tensor:
        if self.embed is None:
            return one_hot(y, self.n_classes)  # (B, n_classes)
        return self.embed(y)  # (B, dim)


def feature_body(
    in_shape: tuple[int, ...], body: str, hidden: int, depth: int, width: int, norm: str
) -> tuple[nn.Sequential, int]:
    """φ: x (B, *in_shape) -> features (B, dim), and dim: D without its last layer.

    ``"mlp"``: ``depth`` Linear+LeakyReLU(0.2) layers of ``hidden`` units.
    ``"dcgan"``: the convolutions of :class:`DCGANDiscriminator`, flattened.
    """
    if body not in BODIES:
        raise ValueError(f"body must be one of {BODIES}, got {body!r}")
    positive("hidden", hidden)
    positive("depth", depth)
    if body == "mlp":
        net = mlp([math.prod(in_shape)] + [hidden] * depth)
        return nn.Sequential(nn.Flatten(), net, nn.LeakyReLU(0.2)), hidden
    channels, size = _image_shape(in_shape)
    convs = DCGANDiscriminator(size, channels, width, norm).net
    last = convs[-1]  # Conv2d(width·2^k, 1, base): its input is the feature map
    dim = last.in_channels * last.kernel_size[0] * last.kernel_size[1]
    return nn.Sequential(*convs[:-1], nn.Flatten()), dim


def _image_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) != 3 or shape[1] != shape[2]:
        raise ValueError(
            f"body='dcgan' needs square images (C, S, S), got shape {shape}; "
            f"use body='mlp' for other data"
        )
    return shape[0], shape[1]


class ConditionalGenerator(nn.Module):
    """G(z, y): z (B, latent_dim) and labels (B,) -> x (B, *out_shape).

    The label code (one-hot, or a learned embedding of ``embed_dim``) is
    concatenated to z (Mirza & Osindero 2014) and fed to an MLP generator
    (``hidden``, ``depth``, output ``out``) or a DCGAN generator (``width``,
    output tanh). ``G.latent_dim`` is the size of z alone.
    """

    def __init__(
        self,
        latent_dim: int,
        n_classes: int,
        out_shape: int | tuple[int, ...],
        embedding: str = "onehot",
        embed_dim: int | None = None,
        body: str = "mlp",
        hidden: int = 256,
        depth: int = 2,
        width: int = 64,
        out: str = "tanh",
    ):
        super().__init__()
        positive("latent_dim", latent_dim)
        if body not in BODIES:
            raise ValueError(f"body must be one of {BODIES}, got {body!r}")
        self.latent_dim, self.n_classes = latent_dim, n_classes
        self.out_shape = as_shape(out_shape)
        self.code = LabelCode(n_classes, embedding, embed_dim)
        n_in = latent_dim + self.code.dim
        if body == "mlp":
            self.net = MLPGenerator(n_in, self.out_shape, hidden, depth, out)
        else:
            channels, size = _image_shape(self.out_shape)
            self.net = DCGANGenerator(n_in, size, channels, width)

    def forward(self, z: Tensor, y: Tensor | None = None) -> Tensor:
        check_input(z, (self.latent_dim,), type(self).__name__)
        check_labels(y, self.n_classes, len(z), type(self).__name__)
        return self.net(torch.cat([z, self.code(y)], dim=1))  # (B, *out_shape)


class ConcatDiscriminator(nn.Module):
    """D(x, y) -> realness logits (B,), the label code appended to x (cGAN paper).

    Flat data: [x, code(y)] into an MLP discriminator. ``body="dcgan"``: the
    code becomes ``code.dim`` constant channels of the image (each channel the
    code's value everywhere), then a DCGAN discriminator.
    """

    def __init__(
        self,
        in_shape: int | tuple[int, ...],
        n_classes: int,
        embedding: str = "onehot",
        embed_dim: int | None = None,
        body: str = "mlp",
        hidden: int = 256,
        depth: int = 2,
        width: int = 64,
        norm: str = "batch",
    ):
        super().__init__()
        if body not in BODIES:
            raise ValueError(f"body must be one of {BODIES}, got {body!r}")
        self.in_shape, self.n_classes, self.body = as_shape(in_shape), n_classes, body
        self.code = LabelCode(n_classes, embedding, embed_dim)
        if body == "mlp":
            n_in = math.prod(self.in_shape) + self.code.dim
            self.net = MLPDiscriminator(n_in, hidden, depth)
        else:
            channels, size = _image_shape(self.in_shape)
            self.net = DCGANDiscriminator(size, channels + self.code.dim, width, norm)

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        check_input(x, self.in_shape, type(self).__name__)
        check_labels(y, self.n_classes, len(x), type(self).__name__)
        code = self.code(y)  # (B, dim)
        if self.body == "mlp":
            return self.net(torch.cat([x.flatten(1), code], dim=1))  # (B,)
        planes = code[:, :, None, None].expand(-1, -1, *x.shape[2:])  # (B, dim, H, W)
        return self.net(torch.cat([x, planes], dim=1))  # (B,)


class Projection(nn.Module):
    """The projection head: D(x, y) = ψ(φ(x)) + ⟨embed(y), φ(x)⟩ -> logits (B,).

    Miyato & Koyama (2018, arXiv:1802.05637): the label enters as an inner
    product with D's features instead of as an input. A subclass sets
    ``n_classes``, ``psi`` (features -> one logit) and ``embed`` (label -> a
    vector of the features' size) and defines ``features(x)`` = φ(x); the parts
    ``unconditional(h)`` = ψ(h) and ``projection(h, y)`` = ⟨embed(y), h⟩ are
    exposed, so ``D(x, y)`` is their sum.
    """

    def unconditional(self, h: Tensor) -> Tensor:
        return self.psi(h).squeeze(1)  # (B,)

    def projection(self, h: Tensor, y: Tensor | None) -> Tensor:
        check_labels(y, self.n_classes, len(h), type(self).__name__)
        return (self.embed(y) * h).sum(dim=1)  # (B,)

    def forward(self, x: Tensor, y: Tensor | None = None) -> Tensor:
        h = self.features(x)  # (B, dim)
        return self.unconditional(h) + self.projection(h, y)  # (B,)


class ProjectionDiscriminator(Projection):
    """D(x, y) = ψ(φ(x)) + ⟨embed(y), φ(x)⟩ -> realness logits (B,).

    Miyato & Koyama (2018, arXiv:1802.05637), with φ an MLP or a DCGAN body and
    ψ a linear layer (:class:`Projection` for the head and its exposed parts).
    """

    def __init__(
        self,
        in_shape: int | tuple[int, ...],
        n_classes: int,
        body: str = "mlp",
        hidden: int = 256,
        depth: int = 2,
        width: int = 64,
        norm: str = "batch",
    ):
        super().__init__()
        positive("n_classes", n_classes)
        self.in_shape, self.n_classes = as_shape(in_shape), n_classes
        self.phi, dim = feature_body(self.in_shape, body, hidden, depth, width, norm)
        self.psi = nn.Linear(dim, 1)
        self.embed = nn.Embedding(n_classes, dim)
        nn.init.normal_(self.embed.weight, 0.0, 0.02)  # starts near unconditional

    def features(self, x: Tensor) -> Tensor:
        check_input(x, self.in_shape, type(self).__name__)
        return self.phi(x)  # (B, dim)


class AuxiliaryDiscriminator(nn.Module):
    """ACGAN's D: x -> (realness logits (B,), class logits (B, n_classes)).

    One shared body φ, two linear heads (Odena et al. 2017). D never sees the
    label; its class head is trained with :func:`gantutor.losses.auxiliary.
    auxiliary_ce` on logits (no softmax here).
    """

    def __init__(
        self,
        in_shape: int | tuple[int, ...],
        n_classes: int,
        body: str = "mlp",
        hidden: int = 256,
        depth: int = 2,
        width: int = 64,
        norm: str = "batch",
    ):
        super().__init__()
        positive("n_classes", n_classes)
        self.in_shape, self.n_classes = as_shape(in_shape), n_classes
        self.phi, dim = feature_body(self.in_shape, body, hidden, depth, width, norm)
        self.adv = nn.Linear(dim, 1)
        self.cls = nn.Linear(dim, n_classes)

    def forward(self, x: Tensor) -> tuple[Tensor, Tensor]:
        check_input(x, self.in_shape, type(self).__name__)
        h = self.phi(x)  # (B, dim)
        return self.adv(h).squeeze(1), self.cls(h)  # (B,), (B, n_classes)


class WithLabels(nn.Module):
    """G(z) = G_cond(z, y) for fixed labels y: a conditional G as an unconditional one.

    For code that calls ``G(z)``: :class:`gantutor.train.callbacks.ImageSnapshots`
    and :func:`gantutor.metrics.features_of_generator`. ``y`` (B,) is kept on
    G's device; z must have B rows. ``latent_dim`` is G's.
    """

    def __init__(self, G: nn.Module, y: Tensor):
        super().__init__()
        check_labels(y, G.n_classes, len(y), type(self).__name__)
        self.G, self.latent_dim = G, G.latent_dim
        self.register_buffer("y", y.clone(), persistent=False)

    def forward(self, z: Tensor) -> Tensor:
        if len(z) != len(self.y):
            raise ValueError(
                f"WithLabels holds {len(self.y)} labels; got {len(z)} noise vectors"
            )
        return self.G(z, self.y.to(z.device))  # (B, *out_shape)
