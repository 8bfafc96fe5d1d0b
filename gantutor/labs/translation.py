"""What the translation chapters measure: class kept, answer-key error, cycle, FID.

Two mappings ``G_ab``: grey digits A (N, 1, 28, 28) → coloured digits B
(N, 3, 28, 28) and ``G_ba``: B → A, all in [-1, 1]
(:func:`gantutor.data.domains.unpaired_digits`). On the test split a[i] and
b.x[i] are the same digit, so the true translation of every test image is known
(the answer key the models never see):

- **answer-key error**: mean |G_ab(a) − b| and mean |G_ba(b) − a|, in [0, 1]
  pixel units (half the mean absolute difference in [-1, 1]);
- **class kept**: the share of translated digits that a classifier reads as the
  source's label (``"mnist-cnn"`` for grey outputs, :func:`coloured_classifier`
  for coloured ones); a map that ignores its input keeps about 1 in 10;
- **cycle error**: mean |G_ba(G_ab(a)) − a| and mean |G_ab(G_ba(b)) − b|, the
  quantity CycleGAN (Zhu et al. 2017, arXiv:1703.10593) minimises, in [0, 1] units;
- **FID per domain**: Fréchet distance between the features of real and translated
  images. Grey digits use mnist-cnn's 64-d features; coloured digits use the
  coloured classifier's 64-d penultimate features, because mnist-cnn reads one
  channel only and Inception needs weights that are not shipped offline (and is slow
  on a CPU). The coloured FID therefore weighs what that classifier learnt to look at
  (the digit's shape more than the texture of the patch): report it as
  "FID (coloured-cnn)", comparable between runs of this book only;
- **what a round trip smuggles**: B → A drops the photo patch, yet B → A → B may
  bring its colour back (:func:`colour_recovered`, :func:`repatched`), and faint
  carriers drown in small noise (:func:`reconstruction_under_noise`).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from gantutor import metrics
from gantutor.data.domains import DigitDomains, colour_digits, unpaired_digits
from gantutor.metrics.extractors import Extractor
from gantutor.models.classifier import Classifier

GREY, COLOURED = (1, 28, 28), (3, 28, 28)
COLUMNS = {  # key of translation_scores -> column title
    "error_ab": "answer-key error A→B",
    "error_ba": "answer-key error B→A",
    "class_ab": "class kept A→B",
    "class_ba": "class kept B→A",
    "cycle_aba": "cycle error A→B→A",
    "cycle_bab": "cycle error B→A→B",
    "fid_a": "FID A (mnist-cnn)",
    "fid_b": "FID B (coloured-cnn)",
}


@dataclass(frozen=True)
class ColouredJudge:
    """A classifier of coloured digits as a feature extractor, and its test accuracy."""

    extractor: Extractor  # channels 3, 64-d features, 10 logits
    accuracy: float  # on the coloured digits of the test split


def check_images(x: Tensor, shape: tuple[int, ...], name: str) -> None:
    """Raise a ``ValueError`` unless ``x`` is (N, *shape) with N ≥ 1."""
    if x.dim() != 4 or tuple(x.shape[1:]) != shape or len(x) == 0:
        raise ValueError(
            f"{name} must be images (N, {', '.join(map(str, shape))}) with N >= 1, "
            f"got {tuple(x.shape)}"
        )


def coloured_classifier(
    device: torch.device | str = "cpu",
    steps: int = 400,
    batch_size: int = 64,
    lr: float = 2e-3,
    seed: int = 0,
) -> ColouredJudge:
    """A :class:`Classifier` of coloured digits, trained in seconds, as an extractor.

    Every training digit of MNIST is coloured afresh at each step (a new random
    photo patch per image, :func:`gantutor.data.domains.colour_digits`), so the judge
    learns the digit and not the patches; its accuracy is measured on the coloured
    test split, which it never saw. Cross-entropy, Adam.
    """
    if steps < 1 or batch_size < 1:
        raise ValueError(
            f"steps and batch_size must be >= 1, got {steps}, {batch_size}"
        )
    train, test = unpaired_digits("train", seed), unpaired_digits("test", seed)
    g = torch.Generator().manual_seed(seed)
    torch_state = torch.random.get_rng_state()
    torch.manual_seed(seed)  # the weights' init; the caller's stream is restored
    net = Classifier(channels=3).to(device)
    torch.random.set_rng_state(torch_state)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    for i in range(steps):
        idx = torch.randint(len(train.digits), (batch_size,), generator=g)
        patch_seed = seed * 1_000_003 + i  # fresh patches at every step
        x = colour_digits(train.digits[idx], patch_seed).x  # (B, 3, 28, 28)
        loss = nn.functional.cross_entropy(
            net(x.to(device)), train.labels[idx].to(device)
        )
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    net.eval()
    body, head = net.net[:-1], net.net[-1]  # 64-d penultimate features, logits
    judge = Extractor("coloured-cnn", body, head, dim=64, channels=3, size=28)
    kept = class_kept(test.b.x, test.labels[test.b.source], judge)
    return ColouredJudge(judge.requires_grad_(False), kept)


def translate(G: nn.Module, x: Tensor, batch_size: int = 250) -> Tensor:
    """G(x) without gradients, batch by batch on G's device, back on the CPU."""
    device = next(G.parameters()).device
    with torch.no_grad():
        return torch.cat([G(part.to(device)).cpu() for part in x.split(batch_size)])


def judge_for(x: Tensor, judge: str | Extractor) -> Extractor:
    """The extractor ``judge``, checked to read images with as many channels as x."""
    ex = metrics.extractor(judge)
    if x.dim() != 4 or x.shape[1] != ex.channels:
        raise ValueError(
            f"judge {ex.name!r} reads images (N, {ex.channels}, 28, 28), got "
            f"{tuple(x.shape)}: use 'mnist-cnn' for grey digits and the coloured "
            f"classifier for coloured ones"
        )
    return ex


def class_kept(x_out: Tensor, y: Tensor, judge: str | Extractor) -> float:
    """Share of images ``x_out`` (N, C, 28, 28) that ``judge`` reads as label ``y``.

    ``y`` (N,) is the label of each image's *source* digit; ``judge`` is
    ``"mnist-cnn"`` for grey images or a :class:`ColouredJudge`'s extractor.
    """
    ex = judge_for(x_out, judge)
    if y.shape != (len(x_out),):
        raise ValueError(f"y must be ({len(x_out)},) labels, got {tuple(y.shape)}")
    logits = metrics.features(x_out, ex, "[-1,1]", logits=True, progress=False)
    return float((logits.argmax(1) == y.cpu()).double().mean())


def pixel_error(x: Tensor, target: Tensor) -> float:
    """Mean |x − target| in [0, 1] pixel units, for images in [-1, 1]."""
    if x.shape != target.shape:
        raise ValueError(
            f"the images and their targets differ in shape: {tuple(x.shape)} "
            f"and {tuple(target.shape)}"
        )
    return float((x.cpu() - target.cpu()).abs().mean() / 2)


def check_answer_key(test: DigitDomains) -> None:
    """Raise unless a[i] and b.x[i] are the same digit (the test split)."""
    check_images(test.a, GREY, "test.a")
    check_images(test.b.x, COLOURED, "test.b.x")
    if len(test.a) != len(test.b) or not torch.equal(test.a_source, test.b.source):
        raise ValueError(
            "the answer key needs paired domains: pass unpaired_digits('test'), "
            "where a[i] and b.x[i] come from the same digit"
        )


def answer_key_error(
    G_ab: nn.Module, G_ba: nn.Module, test: DigitDomains
) -> dict[str, float]:
    """Mean |G_ab(a) − b| (``"ab"``) and |G_ba(b) − a| (``"ba"``) on the test pairs."""
    check_answer_key(test)
    return {
        "ab": pixel_error(translate(G_ab, test.a), test.b.x),
        "ba": pixel_error(translate(G_ba, test.b.x), test.a),
    }


def cycle_error(
    G_ab: nn.Module, G_ba: nn.Module, a: Tensor, b: Tensor
) -> dict[str, float]:
    """Mean |G_ba(G_ab(a)) − a| (``"aba"``) and |G_ab(G_ba(b)) − b| (``"bab"``)."""
    check_images(a, GREY, "a")
    check_images(b, COLOURED, "b")
    return {
        "aba": pixel_error(translate(G_ba, translate(G_ab, a)), a),
        "bab": pixel_error(translate(G_ab, translate(G_ba, b)), b),
    }


def fid(x_real: Tensor, x_out: Tensor, judge: str | Extractor) -> float:
    """Fréchet distance between the ``judge`` features of real and translated images."""
    ex = judge_for(x_out, judge)
    judge_for(x_real, ex)
    f_real, f_out = (
        metrics.features(x, ex, "[-1,1]", progress=False) for x in (x_real, x_out)
    )
    return metrics.frechet_distance_of(
        metrics.statistics(f_real), metrics.statistics(f_out)
    )


def fid_per_domain(
    G_ab: nn.Module, G_ba: nn.Module, test: DigitDomains, coloured: Extractor
) -> dict[str, float]:
    """FID of G_ba(b) against real grey digits (``"a"``, mnist-cnn features) and of
    G_ab(a) against real coloured digits (``"b"``, the coloured classifier's)."""
    check_answer_key(test)
    return {
        "a": fid(test.a, translate(G_ba, test.b.x), "mnist-cnn"),
        "b": fid(test.b.x, translate(G_ab, test.a), coloured),
    }


def translation_scores(
    G_ab: nn.Module, G_ba: nn.Module, test: DigitDomains, coloured: Extractor
) -> dict[str, float]:
    """Every number of :data:`COLUMNS` for one pair of mappings on the test split."""
    check_answer_key(test)
    fake_b, fake_a = translate(G_ab, test.a), translate(G_ba, test.b.x)
    y = test.labels[test.a_source]  # (N,) the source digits' labels
    return {
        "error_ab": pixel_error(fake_b, test.b.x),
        "error_ba": pixel_error(fake_a, test.a),
        "class_ab": class_kept(fake_b, y, coloured),
        "class_ba": class_kept(fake_a, y, "mnist-cnn"),
        "cycle_aba": pixel_error(translate(G_ba, fake_b), test.a),
        "cycle_bab": pixel_error(translate(G_ab, fake_a), test.b.x),
        "fid_a": fid(test.a, fake_a, "mnist-cnn"),
        "fid_b": fid(test.b.x, fake_b, coloured),
    }


def score_table(rows: dict[str, dict[str, float]]) -> str:
    """A Markdown table: one row per run name, one column per :data:`COLUMNS` key."""
    head = "| run | " + " | ".join(COLUMNS.values()) + " |"
    rule = "|---" * (len(COLUMNS) + 1) + "|"
    lines = [head, rule]
    for name, scores in rows.items():
        cells = [
            f"{scores[k]:.1f}" if k.startswith("fid") else f"{scores[k]:.3f}"
            for k in COLUMNS
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def round_trips(
    G_ab: nn.Module, G_ba: nn.Module, a: Tensor, b: Tensor
) -> dict[str, Tensor]:
    """Sources and their translations for display: ``"a"``, ``"ab"`` = G_ab(a),
    ``"aba"`` = G_ba(G_ab(a)), and ``"b"``, ``"ba"``, ``"bab"`` likewise."""
    check_images(a, GREY, "a")
    check_images(b, COLOURED, "b")
    ab, ba = translate(G_ab, a), translate(G_ba, b)
    return {
        "a": a.cpu(),
        "ab": ab,
        "aba": translate(G_ba, ab),
        "b": b.cpu(),
        "ba": ba,
        "bab": translate(G_ab, ba),
    }


def reconstruction_under_noise(
    G_back: nn.Module,
    x_mid: Tensor,
    target: Tensor,
    sigmas: list[float],
    seed: int = 0,
) -> list[float]:
    """Mean |G_back(x_mid + σ ε) − target| in [0, 1] units for each σ, ε ~ N(0, I).

    The probe of Chu et al. (2017, "CycleGAN, a master of steganography",
    arXiv:1712.02950): if a mapping hides what its domain cannot show in a faint
    signal of its output x_mid, noise too small to see drowns it, and the round
    trip degrades towards what an honest x_mid allows. σ is in the [-1, 1] units of
    the pixels; noisy images are clamped to [-1, 1].
    """
    if x_mid.dim() != 4 or target.dim() != 4 or len(x_mid) != len(target):
        raise ValueError(
            f"x_mid and target must be image batches that pair up; got "
            f"{tuple(x_mid.shape)} and {tuple(target.shape)}"
        )
    if any(not s >= 0 for s in sigmas):
        raise ValueError(f"every σ must be >= 0, got {sigmas}")
    g = torch.Generator().manual_seed(seed)
    noise = torch.randn(x_mid.shape, generator=g)  # one draw for every σ
    return [
        pixel_error(translate(G_back, (x_mid.cpu() + s * noise).clamp(-1, 1)), target)
        for s in sigmas
    ]


def repatched(test: DigitDomains, seed: int = 1) -> Tensor:
    """The coloured test digits again, on new random patches: (N, 3, 28, 28).

    ``test.b.x[i]`` and ``repatched(test)[i]`` show the same digit on two photo
    patches, so what differs between them is only what domain A cannot show.
    """
    check_answer_key(test)
    return colour_digits(test.a, seed).x


def mean_colour(x: Tensor) -> Tensor:
    """Each image's mean value per channel, (N, C): the colour of its patch, mostly."""
    return x.float().mean(dim=(2, 3))


def colour_recovered(x: Tensor, x_out: Tensor) -> float:
    """Pearson correlation between the mean colours of ``x`` and ``x_out``.

    Over images and channels, each channel centred on its mean over images: 1 when
    ``x_out`` has the patch colour of its source, about 0 when it cannot know it.
    """
    check_images(x, COLOURED, "x")
    check_images(x_out, COLOURED, "x_out")
    c, c_out = mean_colour(x.cpu()), mean_colour(x_out.cpu())  # (N, 3)
    c, c_out = c - c.mean(0), c_out - c_out.mean(0)
    return float((c * c_out).sum() / (c.norm() * c_out.norm()).clamp_min(1e-12))
