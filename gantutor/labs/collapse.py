"""Where a mapping sends the modes of its domain: the numbers of DiscoGAN's argument.

DiscoGAN (Kim et al. 2017, arXiv:1703.05192, §3) argues that one mapping
G_ab: A → B trained with a GAN loss alone may send several modes of A to one mode
of B: its outputs can look like B while nothing ties an output to its input.
The chapter *One mapping and its collapse* counts this. A map is summarised by
the counts C (K_a, K_b) of :func:`gantutor.data.domains.mode_map`: C[i, j]
samples of A's mode i landed on B's mode j (the nearest centre for 2-D domains,
the class a judge reads for digits). From C:

- the **assignment** j*(i) = argmax_j C[i, j], where most of mode i goes;
- **modes reached** |{j*(i) : i}|: K_a for a one-to-one map, 1 for a constant one;
- the **majority fraction** Σ_i max_j C[i, j] / Σ_ij C[i, j]: the share of samples
  sent where the rest of their mode goes (1 when every mode stays in one piece);
- **assignment changes** between two snapshots of training: how many modes of A
  changed their target. Nothing in the GAN loss fixes which mode goes where.
"""

from __future__ import annotations

import torch
from torch import Tensor

from gantutor.data.domains import mode_map, nearest_mode
from gantutor.data.toy import Mixture
from gantutor.labs.translation import judge_for
from gantutor.metrics.extractors import Extractor
from gantutor.metrics.passes import features


def check_counts(counts: Tensor) -> None:
    """Raise a ``ValueError`` unless ``counts`` is (K_a, K_b), ≥ 0, no empty row."""
    if counts.dim() != 2 or 0 in counts.shape:
        raise ValueError(
            f"counts must be a (K_a, K_b) matrix of mode_map, got {tuple(counts.shape)}"
        )
    if (counts < 0).any():
        raise ValueError("counts must be >= 0: they count samples")
    if (counts.sum(dim=1) == 0).any():
        empty = (counts.sum(dim=1) == 0).nonzero().flatten().tolist()
        raise ValueError(
            f"modes {empty} of A have no sample: draw more samples per mode"
        )


def map_counts(x_out: Tensor, k_from: Tensor, target: Mixture, n_from: int) -> Tensor:
    """Counts (n_from, K_b) of a 2-D map: A's mode of each sample → B's nearest mode.

    ``x_out`` (n, 2) are the mapped samples, ``k_from`` (n,) the A mode each came
    from (:func:`gantutor.data.domains.sample_modes`), ``target`` domain B.
    """
    if x_out.dim() != 2 or x_out.shape[1] != 2:
        raise ValueError(f"x_out must be (n, 2) points, got {tuple(x_out.shape)}")
    if k_from.shape != (len(x_out),):
        raise ValueError(
            f"k_from must hold one mode per point, ({len(x_out)},), "
            f"got {tuple(k_from.shape)}"
        )
    if k_from.min() < 0 or k_from.max() >= n_from:
        raise ValueError(f"k_from must lie in [0, {n_from}), the modes of A")
    k_to = nearest_mode(target, x_out)  # (n,)
    return mode_map(k_from.cpu(), k_to, n_from, len(target.centres))


def digit_counts(
    x_out: Tensor, y: Tensor, judge: str | Extractor, n_classes: int = 10
) -> Tensor:
    """Counts (10, 10) of a digit map: source label → the class ``judge`` reads.

    The digit version of :func:`map_counts`, the classes playing the modes;
    ``judge`` is ``"mnist-cnn"`` or a coloured classifier's extractor
    (:func:`gantutor.labs.translation.coloured_classifier`).
    """
    ex = judge_for(x_out, judge)
    if y.shape != (len(x_out),):
        raise ValueError(f"y must be ({len(x_out)},) labels, got {tuple(y.shape)}")
    logits = features(x_out, ex, "[-1,1]", logits=True, progress=False)  # (N, 10)
    return mode_map(y.cpu(), logits.argmax(1), n_classes, n_classes)


def assignment(counts: Tensor) -> Tensor:
    """j*(i) = argmax_j C[i, j] (K_a,): where most samples of each mode of A go."""
    check_counts(counts)
    return counts.argmax(dim=1)


def modes_reached(counts: Tensor) -> int:
    """How many distinct modes of B the modes of A go to: |{j*(i)}|."""
    return int(assignment(counts).unique().numel())


def majority_fraction(counts: Tensor) -> float:
    """Σ_i max_j C[i, j] / Σ C: the share of samples that go where their mode goes."""
    check_counts(counts)
    return float(counts.max(dim=1).values.sum() / counts.sum())


def assignment_changes(assignments: Tensor) -> Tensor:
    """Modes of A whose target changed between consecutive snapshots, (S − 1,).

    ``assignments`` (S, K_a) are the :func:`assignment` of S snapshots of a run.
    """
    if assignments.dim() != 2 or len(assignments) < 2:
        raise ValueError(
            "assignments must be (S, K_a) with S >= 2 snapshots, got "
            f"{tuple(assignments.shape)}"
        )
    return (assignments[1:] != assignments[:-1]).sum(dim=1)  # (S − 1,)


def collapse_scores(counts: Tensor) -> dict[str, float]:
    """``modes`` reached and the ``majority`` fraction of one map's counts."""
    return {"modes": modes_reached(counts), "majority": majority_fraction(counts)}


def stack_assignments(counts: list[Tensor]) -> Tensor:
    """The assignments (S, K_a) of a run's snapshots, for :func:`assignment_changes`."""
    if not counts:
        raise ValueError("stack_assignments needs at least one snapshot's counts")
    return torch.stack([assignment(c) for c in counts])
