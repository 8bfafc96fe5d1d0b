"""Auxiliary loss terms: ACGAN's class term and InfoGAN's mutual-information terms.

**Convention.** As for the adversarial losses, every function here except
:func:`info_bound` is a quantity to *minimise*, a negative log-likelihood of a
label or a code under a head's output. Class and code heads return *logits*
(B, K): never apply a softmax before these functions (softmax then
cross-entropy is softmax twice, a known ACGAN bug); a row of probabilities is
refused with a clear error. Log-probabilities (``log_softmax``) are fine: they
differ from logits by a constant per row, which the softmax ignores.

ACGAN (Odena, Olah & Shlens 2017, arXiv:1610.09585, chapter *ACGAN*): with
L_S the adversarial log-likelihood and L_C = E[log P(C = c | x_real)] +
E[log P(C = c | x_fake)], D maximises L_S + L_C and G maximises L_C − L_S. As
losses: D adds ``auxiliary_ce`` on real and fake samples to its adversarial
loss, G adds it on its fakes.

InfoGAN (Chen et al. 2016, arXiv:1606.03657, chapter *InfoGAN*): the mutual
information I(c; G(z, c)) has the variational lower bound (Lemma 5.1)

    L_I(G, Q) = E_{c ~ p(c), x ~ G(z, c)}[log Q(c | x)] + H(c)  ≤  I(c; G(z, c)),

and G and Q *maximise* it: min_{G, Q} max_D V(D, G) − λ L_I. H(c) is fixed by
the prior, so G and Q minimise λ times the negative log-likelihood of the
sampled code: :func:`categorical_info` (a cross-entropy) for a categorical
code, :func:`gaussian_info` for continuous ones. :func:`info_bound` gives L_I
itself (in nats) for reporting: log K for a perfect Q on K uniform categories.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor

from gantutor.models.conditional import check_labels


def _check_logits(logits: Tensor, name: str) -> None:
    """Raise unless ``logits`` is (B, K), K ≥ 2, and not rows of probabilities."""
    if logits.dim() != 2 or logits.shape[1] < 2:
        raise ValueError(
            f"{name} must be logits of shape (B, K) with K ≥ 2 classes; got "
            f"{tuple(logits.shape)}"
        )
    if logits.is_cuda and torch.cuda.is_current_stream_capturing():
        return  # no host sync inside a CUDA graph; the warm-up steps checked
    rows = logits.detach()
    in_unit = bool(((rows >= 0) & (rows <= 1)).all())
    if len(rows) and in_unit and bool((rows.sum(1) - 1).abs().max() < 1e-4):
        raise ValueError(
            f"{name} looks like probabilities (each row in [0, 1] summing to 1): "
            f"pass the head's logits; cross-entropy applies the softmax itself"
        )


def _nll(logits: Tensor, y: Tensor, name: str, who: str) -> Tensor:
    _check_logits(logits, name)
    check_labels(y, logits.shape[1], len(logits), who)
    return F.cross_entropy(logits, y)


def auxiliary_ce(class_logits: Tensor, y: Tensor) -> Tensor:
    """ACGAN's class term −E[log P(C = y | x)], P = softmax(class_logits).

    ``class_logits`` (B, n_classes) from the auxiliary head, ``y`` (B,) the
    class of each sample: the real label for real images, the requested one for
    fakes. Minimised by D (real and fake) and by G (fakes) (Odena et al. 2017).
    """
    return _nll(class_logits, y, "class_logits", "auxiliary_ce")


def categorical_info(code_logits: Tensor, c: Tensor) -> Tensor:
    """InfoGAN's categorical term −E[log Q(c | x)], a cross-entropy (minimised).

    ``code_logits`` (B, K) from Q on x = G(z, c), ``c`` (B,) the index of the
    *sampled* code (never a real label). Minimising it maximises the bound
    L_I = H(c) − CE (see :func:`info_bound`).
    """
    return _nll(code_logits, c, "code_logits", "categorical_info")


def gaussian_info(
    mean: Tensor, c: Tensor, log_std: Tensor | None = None, std: float = 1.0
) -> Tensor:
    """InfoGAN's continuous term −E[log Q(c | x)] for a factored Gaussian Q.

        −log Q(c | x) = Σ_j [ log σ_j + ½ log 2π + (c_j − μ_j)² / (2 σ_j²) ],

    summed over the m codes and averaged over the batch; ``mean`` μ (B, m) from
    Q, ``c`` (B, m) the sampled codes, σ = exp(``log_std``) (B, m) when Q learns
    it, else the fixed ``std`` (then the gradient is that of ½‖c − μ‖²/σ²).
    Minimised (Chen et al. 2016, §5: "we simply treat Q(c|x) as a factored
    Gaussian").
    """
    if mean.dim() != 2 or c.shape != mean.shape:
        raise ValueError(
            f"mean and c must both be (B, n_continuous); got {tuple(mean.shape)} "
            f"and {tuple(c.shape)}"
        )
    if log_std is None:
        if not std > 0:
            raise ValueError(f"std must be positive, got {std}")
        log_std = torch.full_like(mean, math.log(std))
    elif log_std.shape != mean.shape:
        raise ValueError(
            f"log_std must have the shape of mean {tuple(mean.shape)}; got "
            f"{tuple(log_std.shape)}"
        )
    z = (c - mean) * torch.exp(-log_std)  # (B, m), standardised error
    nll = log_std + 0.5 * math.log(2 * math.pi) + 0.5 * z.square()  # (B, m)
    return nll.sum(dim=1).mean()


def info_bound(code_logits: Tensor, c: Tensor, prior: Tensor | None = None) -> Tensor:
    """The bound L_I = H(c) − CE (nats) of a categorical code, for reporting.

    H(c) = −Σ_k p_k log p_k is the entropy of the code's prior ``prior`` (K,),
    log K when it is uniform (``None``); CE = :func:`categorical_info`. Since
    CE ≥ H(c | x) ≥ 0, L_I ≤ I(c; x) ≤ H(c): a perfect Q (CE = 0) reaches
    H(c) = log K, a Q that ignores x (uniform logits) gets 0 (Chen et al. 2016,
    Lemma 5.1). Higher is better: it is maximised, not minimised.
    """
    k = code_logits.shape[-1]
    if prior is None:
        entropy = torch.tensor(math.log(k), device=code_logits.device)
    else:
        if prior.shape != (k,) or bool((prior < 0).any()):
            raise ValueError(
                f"prior must hold {k} non-negative probabilities, got shape "
                f"{tuple(prior.shape)}"
            )
        p = prior / prior.sum()
        entropy = -torch.special.xlogy(p, p).sum()
    return entropy - categorical_info(code_logits, c)
