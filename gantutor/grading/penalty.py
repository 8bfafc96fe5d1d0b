"""Part 2's graded checks: gradient norms, WGAN-GP's penalty, the critic's loss."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import torch
from torch import Tensor, nn

from gantutor import losses, penalties
from gantutor.grading.core import Case, Mistake, check_function, fail


class HalfSquare(nn.Module):
    """f(x) = ½‖x‖² per sample, (B, ...) -> (B,): ∇f(x) = x, so each norm is ‖x‖."""

    def forward(self, x: Tensor) -> Tensor:
        return 0.5 * x.flatten(1).square().sum(1)  # (B,)


class TinyCritic(nn.Module):
    """x (B, *shape) -> realness (B,) through one tanh layer: a critic to test with."""

    def __init__(self, n_in: int, hidden: int = 8):
        super().__init__()
        self.net = nn.Sequential(
            nn.Flatten(), nn.Linear(n_in, hidden), nn.Tanh(), nn.Linear(hidden, 1)
        )

    def forward(self, x: Tensor) -> Tensor:
        return self.net(x).squeeze(1)  # (B,)


def _penalty_cases(with_lambda: bool = False) -> list[Case]:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        points, images = TinyCritic(2), TinyCritic(16)
        x = [torch.randn(5, 2), torch.randn(5, 2) + 1, torch.randn(3, 1, 4, 4)]
        y = [torch.randn(2, 2), torch.randn(2, 2) - 1, torch.randn(3, 1, 4, 4)]
    eps5, eps2, eps3 = (torch.linspace(0.1, 0.9, n) for n in (5, 2, 3))
    cases = [
        Case("of a critic on 5 points in 2-D", (points, x[0], x[1], eps5, 10.0)),
        Case("of a critic on 2 points in 2-D (B = d)", (points, y[0], y[1], eps2, 1.0)),
        Case("of a critic on 3 images 1×4×4", (images, x[2], y[2], eps3, 2.5)),
    ]
    return cases if with_lambda else [Case(c.label, c.args[:4]) for c in cases]


def _input_grad(D: nn.Module, x: Tensor) -> Tensor:
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x).sum(), x, create_graph=True)
    return grad  # (B, ...)


def _norms(D: nn.Module, x: Tensor) -> Tensor:
    return _input_grad(D, x).flatten(1).norm(dim=1)  # (B,)


def _mix(eps: Tensor, a: Tensor, b: Tensor) -> Tensor:
    eps = eps.view(-1, *[1] * (a.dim() - 1))  # (B, 1, ...)
    return eps * a + (1 - eps) * b


def reference_penalty(D: nn.Module, x_real: Tensor, x_fake: Tensor, eps: Tensor):
    """WGAN-GP's penalty at x̂ = ε x_real + (1 − ε) x_fake, for given ε (B,)."""
    x_hat = penalties.interpolates(x_real, x_fake, eps)
    return (penalties.gradient_norms(D, x_hat) - 1).square().mean()


def check_gradient_norms(fn: Callable[[nn.Module, Tensor], Tensor]) -> None:
    """``fn(D, x)`` is ‖∇ₓD(x)‖ per sample, (B,), differentiable in D's weights."""
    __tracebackhide__ = True
    x = torch.zeros(2, 3, 2, 2)  # (B, C, H, W)
    x[0, :, 0, 0] = torch.tensor([3.0, 0.0, 4.0])
    x[1, 1, 1, 1] = 2.0
    cases = [
        Case("f(x) = ½‖x‖² on two 3×2×2 images (norms 5 and 2)", (HalfSquare(), x)),
        *[Case(c.label, c.args[:2]) for c in _penalty_cases()],
    ]
    check_function(
        fn,
        penalties.gradient_norms,
        cases,
        name="gradient_norms",
        diagnose=[
            Mistake(
                "one norm for the whole batch",
                lambda D, x: _input_grad(D, x).norm(),
                "the penalty constrains each sample: grad.flatten(1).norm(dim=1).",
            ),
            Mistake(
                "a norm over the channels of each pixel",
                lambda D, x: _input_grad(D, x).norm(dim=1),
                "flatten each sample's gradient over all its values first: "
                "grad.flatten(1).norm(dim=1).",
            ),
            Mistake(
                "the squared norm",
                lambda D, x: _input_grad(D, x).flatten(1).square().sum(1),
                "take the square root: .norm(dim=1).",
            ),
            Mistake(
                "an L1 norm",
                lambda D, x: _input_grad(D, x).flatten(1).abs().sum(1),
                "the Lipschitz constraint uses the Euclidean (L2) norm.",
            ),
        ],
        hint="Differentiate D(x).sum() with respect to x (create_graph=True), "
        "then grad.flatten(1).norm(dim=1).",
    )


def check_gradient_penalty(fn: Callable[..., Tensor]) -> None:
    """``fn(D, x_real, x_fake, eps)`` is WGAN-GP's penalty, E(‖∇D(x̂)‖ − 1)²."""
    __tracebackhide__ = True
    check_function(
        fn,
        reference_penalty,
        _penalty_cases(),
        name="gradient_penalty",
        diagnose=[
            Mistake(
                "ε of shape (B,) multiplied in directly",
                lambda D, a, b, e: (_norms(D, e * a + (1 - e) * b) - 1).square().mean(),
                "it broadcasts along the *last* dimension, not along the samples: "
                "view it as (B, 1, ..., 1), eps.view(-1, *[1] * (x_real.dim() - 1)).",
            ),
            Mistake(
                "ε on the fake side",
                lambda D, a, b, e: (_norms(D, _mix(e, b, a)) - 1).square().mean(),
                "the same in distribution, but the task fixes ε: "
                "x̂ = ε x_real + (1 − ε) x_fake.",
            ),
            Mistake(
                "a one-sided penalty",
                lambda D, a, b, e: (
                    (_norms(D, _mix(e, a, b)) - 1).clamp_min(0).square().mean()
                ),
                "WGAN-GP pulls the norm towards 1 from both sides: (‖∇‖ − 1)².",
            ),
            Mistake(
                "one norm for the whole batch",
                lambda D, a, b, e: (_input_grad(D, _mix(e, a, b)).norm() - 1).square(),
                "one norm per sample: grad.flatten(1).norm(dim=1).",
            ),
            Mistake(
                "the penalty at the real samples",
                lambda D, a, b, e: (_norms(D, a) - 1).square().mean(),
                "WGAN-GP samples x̂ on the segments between real and fake samples.",
            ),
            Mistake(
                "(‖∇‖² − 1)²",
                lambda D, a, b, e: (
                    (_norms(D, _mix(e, a, b)).square() - 1).square().mean()
                ),
                "penalise (‖∇‖ − 1)², the norm itself.",
            ),
            Mistake(
                "a sum over the batch",
                lambda D, a, b, e: (_norms(D, _mix(e, a, b)) - 1).square().sum(),
                "average over the batch with .mean().",
            ),
        ],
        hint="x̂ = ε x_real + (1 − ε) x_fake with ε viewed as (B, 1, ...); then "
        "((gradient_norms(D, x̂) − 1)²).mean().",
    )


def reference_critic_loss(D, x_real, x_fake, eps, lambda_gp) -> Tensor:
    """E f(x_fake) − E f(x_real) + λ · GP: the WGAN-GP critic's loss (minimised)."""
    penalty = reference_penalty(D, x_real, x_fake, eps)
    return losses.wasserstein_d(D(x_real), D(x_fake)) + lambda_gp * penalty


def check_critic_loss(fn: Callable[..., Tensor]) -> None:
    """``fn(D, x_real, x_fake, eps, lambda_gp)`` is the WGAN-GP critic's loss."""
    __tracebackhide__ = True

    def w(D, a, b):
        return D(b).mean() - D(a).mean()

    check_function(
        fn,
        reference_critic_loss,
        _penalty_cases(with_lambda=True),
        name="critic_loss",
        diagnose=[
            Mistake(
                "the Wasserstein term with the wrong sign",
                lambda D, a, b, e, lam: (
                    -w(D, a, b) + lam * reference_penalty(D, a, b, e)
                ),
                "the critic maximises E f(x_real) − E f(x_fake), so its loss "
                "(minimised) is E f(x_fake) − E f(x_real).",
            ),
            Mistake(
                "a penalty without its weight",
                lambda D, a, b, e, lam: w(D, a, b) + reference_penalty(D, a, b, e),
                "multiply the penalty by lambda_gp.",
            ),
            Mistake(
                "no penalty",
                lambda D, a, b, e, lam: w(D, a, b),
                "add lambda_gp * gradient_penalty(D, x_real, x_fake, eps).",
            ),
            Mistake(
                "the penalty subtracted",
                lambda D, a, b, e, lam: (
                    w(D, a, b) - lam * reference_penalty(D, a, b, e)
                ),
                "the critic minimises its loss, so the penalty is added.",
            ),
        ],
        hint="E f(x_fake) − E f(x_real) + lambda_gp · gradient_penalty(...), "
        "with your gradient_penalty.",
    )


def check_penalty_run(medians: dict[float, Sequence[float]]) -> None:
    """Median gradient norms of two runs: near 1 with λ = 10, far above with λ = 0."""
    __tracebackhide__ = True
    if set(medians) != {0.0, 10.0}:
        fail(f"give the medians of the runs λ = 0 and λ = 10, got keys {list(medians)}")
    late = {}
    for lam, values in medians.items():
        values = [float(v) for v in values]
        if len(values) < 3 or not all(math.isfinite(v) for v in values):
            fail(
                f"λ = {lam:g}: expected a finite median norm before training and "
                f"every `every` steps (at least 3), got {values}"
            )
        late[lam] = sum(values[-len(values) // 3 :]) / len(values[-len(values) // 3 :])
    if list(medians[0.0]) == list(medians[10.0]):
        fail("the two runs gave the same norms: does run() pass lambda_gp on?")
    if not 0.6 <= late[10.0] <= 1.5:
        fail(
            f"with λ = 10 the late median norm is {late[10.0]:.3g}, not near 1: "
            "measure ‖∇D‖ at the fixed interpolates, and pass lambda_gp on"
        )
    if not late[0.0] > 2 * late[10.0]:
        fail(
            f"with λ = 0 the late median norm is {late[0.0]:.3g}, no larger than "
            f"with λ = 10 ({late[10.0]:.3g}): is the penalty really switched off?"
        )
