"""Part 1's graded checks: the non-saturating loss, D*, reverse KL's f-GAN terms."""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from gantutor import losses
from gantutor.grading.core import Case, Mistake, check_function, fail
from gantutor.labs import divergences
from gantutor.losses import fdiv


def check_nonsaturating_g(fn: Callable[[Tensor], Tensor]) -> None:
    """``fn(d_fake)`` is G's non-saturating loss −E[log σ(d_fake)]."""
    __tracebackhide__ = True

    def logits(*values: float) -> Tensor:
        return torch.tensor(values, dtype=torch.float32).requires_grad_(True)

    cases = [
        Case("where D is unsure (d_fake = 0, ±0.5, 1)", (logits(0, 0.5, -0.5, 1),)),
        Case("where D rejects the fakes (d_fake = -6, -8, -4)", (logits(-6, -8, -4),)),
        Case("with a fake rejected at d_fake = -120", (logits(-120.0, 0.0),)),
    ]
    check_function(
        fn,
        losses.nonsaturating_g,
        cases,
        name="nonsaturating_g",
        diagnose=[
            Mistake(
                "the saturating (minimax) loss E[log(1 − σ(d_fake))]",
                lambda d: -F.softplus(d).mean(),
                "its gradient vanishes exactly when D rejects the fakes. "
                "G should minimise −E[log σ(d_fake)] = E[softplus(−d_fake)].",
            ),
            Mistake(
                "the right loss with the wrong sign",
                lambda d: -F.softplus(-d).mean(),
                "G would make its samples look *fake*. D returns realness logits; "
                "G minimises −E[log σ(d_fake)].",
            ),
            Mistake(
                "the cross-entropy with the label 'fake' (0)",
                lambda d: F.softplus(d).mean(),
                "that is D's loss on the fakes. G wants its fakes called real: "
                "label 1, E[softplus(−d_fake)].",
            ),
            Mistake(
                "a sum over the batch",
                lambda d: F.softplus(-d).sum(),
                "average over the batch with .mean().",
            ),
            Mistake(
                "log(sigmoid(d)) computed in two steps",
                lambda d: -torch.log(torch.sigmoid(d)).mean(),
                "σ(−120) rounds to 0 in float32 and its log is −inf. "
                "Use the identity −log σ(d) = softplus(−d) (F.softplus).",
            ),
            Mistake(
                "logits read as probabilities",
                lambda d: -torch.log(d).mean(),
                "d_fake holds logits (any real number); log σ(d) = −softplus(−d).",
            ),
        ],
        hint="Compare with −E[log σ(d_fake)] written as F.softplus(-d_fake).mean().",
    )


def check_optimal_discriminator(fn: Callable[[Tensor, Tensor], Tensor]) -> None:
    """``fn(p_data, p_g)`` is D*(x) = p_data / (p_data + p_g), ½ where both vanish."""
    __tracebackhide__ = True
    x = torch.linspace(-4, 4, 17, dtype=torch.float64)
    p, q = divergences.mixture_pdf(x, [-2, 2], [0.5, 0.5]), divergences.normal_pdf(x)
    f64 = torch.float64
    cases = [
        Case("of the 1-D mixture against N(0, 1) on [-4, 4]", (p, q)),
        Case(
            "where both densities vanish at the ends",
            (
                torch.tensor([0, 0.2, 0.5, 0.1, 0], dtype=f64),
                torch.tensor([0, 0.1, 0.1, 0.3, 0], dtype=f64),
            ),
        ),
        Case(
            "where p_g vanishes but p_data does not",
            (torch.tensor([0.3, 0.2], dtype=f64), torch.tensor([0.0, 0.4], dtype=f64)),
        ),
    ]
    check_function(
        fn,
        divergences.optimal_discriminator,
        cases,
        name="optimal_discriminator",
        diagnose=[
            Mistake(
                "the probability of *fake*, p_g / (p_data + p_g)",
                lambda p, q: q / (p + q),
                "D says how real x is: D*(x) = p_data / (p_data + p_g).",
            ),
            Mistake(
                "p_data / (p_data + p_g) without the case 0/0",
                lambda p, q: p / (p + q),
                "where both densities are 0 it gives 0/0 = nan. D cannot tell "
                "there: return 1/2 (torch.where).",
            ),
            Mistake(
                "0 where both densities vanish",
                lambda p, q: torch.nan_to_num(p / (p + q)),
                "where neither distribution puts mass, D* = 1/2, not 0.",
            ),
            Mistake(
                "the density ratio p_data / p_g",
                lambda p, q: p / q,
                "D* is a probability: p_data / (p_data + p_g).",
            ),
        ],
        hint="D*(x) = p_data(x) / (p_data(x) + p_g(x)), and 1/2 where both are 0.",
    )


REVERSE_KL = fdiv.DIVERGENCES["reverse-kl"]


def check_reverse_kl_conjugate(fn: Callable[[Tensor], Tensor]) -> None:
    """``fn(t)`` is f*(t) = −1 − log(−t), the conjugate of f(u) = −log u (t < 0)."""
    __tracebackhide__ = True
    t = torch.tensor([-5.0, -2.0, -1.0, -0.5, -0.1, -0.01], dtype=torch.float64)
    check_function(
        fn,
        REVERSE_KL.conjugate,
        [Case("t = -5, -2, -1, -0.5, -0.1, -0.01", (t.requires_grad_(True),))],
        name="reverse_kl_conjugate",
        diagnose=[
            Mistake(
                "−1 + log(−t), a sign error",
                lambda t: -1 + torch.log(-t),
                "at the maximiser u = −1/t of ut + log u, f*(t) = −1 + log(−1/t).",
            ),
            Mistake(
                "log of t itself",
                lambda t: -1 - torch.log(t),
                "dom f* is t < 0, where log t is nan: take log(−t).",
            ),
            Mistake(
                "the conjugate of KL(P‖Q), exp(t − 1)",
                lambda t: torch.exp(t - 1),
                "reverse KL has f(u) = −log u, not u log u.",
            ),
            Mistake(
                "−log(−t), without the constant",
                lambda t: -torch.log(-t),
                "at the maximiser u = −1/t the term ut is −1.",
            ),
        ],
        hint="Maximise ut + log u over u > 0 by hand (set the derivative to 0).",
    )


def check_reverse_kl_activation(fn: Callable[[Tensor], Tensor]) -> None:
    """``fn(v)`` is the paper's output activation g_f(v) = −exp(−v) for reverse KL."""
    __tracebackhide__ = True
    v = torch.tensor([-3.0, -1.0, 0.0, 0.5, 2.0, 5.0], dtype=torch.float64)
    check_function(
        fn,
        REVERSE_KL.activation,
        [Case("v = -3, -1, 0, 0.5, 2, 5", (v.requires_grad_(True),))],
        name="reverse_kl_activation",
        diagnose=[
            Mistake(
                "exp(−v), which is positive",
                lambda v: torch.exp(-v),
                "f* is defined for t < 0 only: g_f must map into (−∞, 0).",
            ),
            Mistake(
                "−exp(v), decreasing in v",
                lambda v: -torch.exp(v),
                "higher v must mean 'more real' (T = f'(p/q) = −q/p rises with p): "
                "g_f(v) = −exp(−v) is increasing.",
            ),
        ],
        hint="Table 2 of Nowozin et al. (2016): g_f(v) = −exp(−v).",
    )


def check_trained_discriminator(
    d: Tensor, p_data: Tensor, p_g: Tensor, x: Tensor
) -> None:
    """σ(D(x)) on the grid ``x`` of a trained D reaches half of the best value V(D*)."""
    __tracebackhide__ = True
    d = torch.as_tensor(d).detach().double().reshape(-1)
    if d.shape != torch.as_tensor(x).shape:
        fail(f"d has shape {tuple(d.shape)}: give σ(D(x)) at each of the grid's x.")
    if bool((d < 0).any() or (d > 1).any()):
        fail(
            "d holds values outside [0, 1]: these are logits. The discriminator "
            "returns realness logits; its probability is torch.sigmoid(D(x))."
        )
    value = float(divergences.gan_value(d, p_data, p_g, x))
    best = float(divergences.optimal_value(p_data, p_g, x))
    chance = -math.log(4)  # D = 1/2 everywhere
    if value < chance - 0.1:
        fail(
            f"V(D, G) = {value:.3f} is below −log 4 = {chance:.3f}, what D = 1/2 "
            "gets: your D calls the generator's samples real. Check the sign "
            "convention: minimise gan_d(d_real, d_fake), real logits first."
        )
    if value < chance + 0.5 * (best - chance):
        fail(
            f"V(D, G) = {value:.3f} has not gone half way from −log 4 = "
            f"{chance:.3f} to V(D*, G) = {best:.3f}: D has learned little. Does "
            "each step draw both batches, zero the gradients and call opt_D.step()?"
        )
