"""gantutor.grading: each check passes a right answer and fails wrong ones, saying why.

Every check that an assignment uses is shown here to fail on at least one wrong
function, with the words its message must contain; ``tools/assignments.py check``
does the same through the notebooks themselves.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from gantutor import grading, losses
from gantutor.labs import divergences

# --- right answers, written as a student would --------------------------------------


def norms(D, x):
    x = x.detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(D(x).sum(), x, create_graph=True)
    return grad.flatten(1).norm(dim=1)


def penalty(D, x_real, x_fake, eps):
    eps = eps.view(-1, *[1] * (x_real.dim() - 1))
    return (norms(D, eps * x_real + (1 - eps) * x_fake) - 1).square().mean()


def critic_loss(D, x_real, x_fake, eps, lambda_gp):
    loss_w = D(x_fake).mean() - D(x_real).mean()
    return loss_w + lambda_gp * penalty(D, x_real, x_fake, eps)


def make_step(detach=True, n=None, fresh=True, zero_d=True, sign_g=-1.0, items=True):
    """WGAN-GP's step, right by default; each argument plants one mistake."""

    def train_step(G, D, opt_G, opt_D, batches, n_critic, lambda_gp):
        x_real = next(batches)
        for i in range(n or n_critic):
            if fresh and i > 0:
                x_real = next(batches)
            x_fake = G(torch.randn(len(x_real), G.latent_dim))
            x_fake = x_fake.detach() if detach else x_fake
            loss_D = critic_loss(D, x_real, x_fake, torch.rand(len(x_real)), lambda_gp)
            if zero_d:
                opt_D.zero_grad()
            loss_D.backward()
            opt_D.step()
        loss_G = sign_g * D(G(torch.randn(len(x_real), G.latent_dim))).mean()
        opt_G.zero_grad()
        loss_G.backward()
        opt_G.step()
        if not items:
            return {"loss_D": loss_D, "loss_G": loss_G}
        return {"loss_D": loss_D.item(), "loss_G": loss_G.item()}

    return train_step


def fd(f1, f2, correction=1):
    f1, f2 = f1.double(), f2.double()
    s1, s2 = (
        torch.cov(f.T, correction=correction).reshape(f.shape[1], f.shape[1])
        for f in (f1, f2)
    )
    w, v = torch.linalg.eigh(s1)
    root = (v * w.clamp_min(0).sqrt()) @ v.T
    tr_sqrt = torch.linalg.eigvalsh(root @ s2 @ root).clamp_min(0).sqrt().sum()
    diff = f1.mean(0) - f2.mean(0)
    return float(diff @ diff + s1.trace() + s2.trace() - 2 * tr_sqrt)


def fd_same(n, d, trials, seed, split=False, same=False):
    gen = torch.Generator().manual_seed(seed)
    total = 0.0
    for _ in range(trials):
        a = torch.randn(n, d, generator=gen)
        b = a if same else torch.randn(n, d, generator=gen)
        total += fd(a[: n // 2], a[n // 2 :]) if split else fd(a, b)
    return total / trials


def fd_curve(f_a, f_b, ns, repeats, seed, draw=True):
    gen = torch.Generator().manual_seed(seed)
    curve = []
    for n in ns:
        values = []
        for _ in range(repeats):
            i = torch.randperm(len(f_a), generator=gen)[:n] if draw else slice(n)
            j = torch.randperm(len(f_b), generator=gen)[:n] if draw else slice(n)
            values.append(fd(f_a[i], f_b[j]))
        curve.append(sum(values) / repeats)
    return curve


def polyfit(x, values, k):
    return float(np.polyfit(np.asarray(x, float), values, 1)[k])


RIGHT = {
    grading.check_nonsaturating_g: lambda d: F.softplus(-d).mean(),
    grading.check_optimal_discriminator: divergences.optimal_discriminator,
    grading.check_reverse_kl_conjugate: lambda t: -1 - torch.log(-t),
    grading.check_reverse_kl_activation: lambda v: -torch.exp(-v),
    grading.check_gradient_norms: norms,
    grading.check_gradient_penalty: penalty,
    grading.check_critic_loss: critic_loss,
    grading.check_critic_step: make_step(),
    grading.check_frechet_distance: fd,
    grading.check_fd_same_distribution: fd_same,
    grading.check_fd_infinity: lambda ns, v: polyfit(1 / np.asarray(ns, float), v, 1),
    grading.check_fd_curve: fd_curve,
}


@pytest.mark.parametrize("check", RIGHT, ids=lambda c: c.__name__)
def test_a_right_answer_passes(check):
    check(RIGHT[check])


def _grad(D, x):
    x = x.detach().requires_grad_(True)
    return torch.autograd.grad(D(x).sum(), x, create_graph=True)[0]


def _sqrtm_fd_float32(f1, f2):
    import scipy.linalg

    a, b = f1.numpy(), f2.numpy()
    s1 = np.atleast_2d(np.cov(a, rowvar=False)).astype(np.float32)
    s2 = np.atleast_2d(np.cov(b, rowvar=False)).astype(np.float32)
    root = scipy.linalg.sqrtm(s1 @ s2).real
    diff = a.mean(0) - b.mean(0)
    return float(diff @ diff + np.trace(s1) + np.trace(s2) - 2 * np.trace(root))


WRONG = [  # (check, wrong function, words its message must contain)
    (grading.check_nonsaturating_g, lambda d: -F.softplus(d).mean(), "saturating"),
    (grading.check_nonsaturating_g, lambda d: -F.softplus(-d).mean(), "wrong sign"),
    (grading.check_nonsaturating_g, lambda d: F.softplus(d).mean(), "label 'fake'"),
    (grading.check_nonsaturating_g, lambda d: -d.sigmoid().log().mean(), "softplus"),
    (grading.check_nonsaturating_g, lambda d: F.softplus(-d).sum(), ".mean()"),
    (
        grading.check_nonsaturating_g,
        lambda d: torch.tensor(F.softplus(-d).mean().item()),
        "carries no gradient",
    ),
    (grading.check_optimal_discriminator, lambda p, q: q / (p + q), "*fake*"),
    (grading.check_optimal_discriminator, lambda p, q: p / (p + q), "return 1/2"),
    (grading.check_optimal_discriminator, lambda p, q: p / q, "density ratio"),
    (grading.check_reverse_kl_conjugate, lambda t: -1 + torch.log(-t), "sign error"),
    (grading.check_reverse_kl_conjugate, lambda t: torch.exp(t - 1), "KL(P‖Q)"),
    (grading.check_reverse_kl_conjugate, lambda t: -1 - torch.log(t), "log(−t)"),
    (grading.check_reverse_kl_activation, lambda v: torch.exp(-v), "(−∞, 0)"),
    (grading.check_reverse_kl_activation, lambda v: -torch.exp(v), "more real"),
    (grading.check_gradient_norms, lambda D, x: _grad(D, x).norm(), "whole batch"),
    (grading.check_gradient_norms, lambda D, x: _grad(D, x).norm(dim=1), "channels"),
    (
        grading.check_gradient_norms,
        lambda D, x: _grad(D, x).flatten(1).square().sum(1),
        "squared norm",
    ),
    (
        grading.check_gradient_norms,
        lambda D, x: norms(D, x).detach(),
        "carries no gradient",
    ),
    (
        grading.check_gradient_penalty,
        lambda D, a, b, e: (norms(D, e * a + (1 - e) * b) - 1).square().mean(),
        "(B, 1, ..., 1)",
    ),
    (
        grading.check_gradient_penalty,
        lambda D, a, b, e: (
            torch.relu(norms(D, e.view(-1, *[1] * (a.dim() - 1)) * (a - b) + b) - 1)
            .square()
            .mean()
        ),
        "one-sided",
    ),
    (
        grading.check_gradient_penalty,
        lambda D, a, b, e: (norms(D, a) - 1).square().mean(),
        "real samples",
    ),
    (
        grading.check_critic_loss,
        lambda D, a, b, e, lam: -critic_loss(D, a, b, e, 0) + lam * penalty(D, a, b, e),
        "wrong sign",
    ),
    (
        grading.check_critic_loss,
        lambda D, a, b, e, lam: critic_loss(D, a, b, e, 1.0),
        "lambda_gp",
    ),
    (
        grading.check_critic_loss,
        lambda D, a, b, e, lam: critic_loss(D, a, b, e, 0),
        "no penalty",
    ),
    (grading.check_critic_step, make_step(detach=False), "detach()"),
    (grading.check_critic_step, make_step(n=5), "opt_D.step() ran 5 times"),
    (grading.check_critic_step, make_step(fresh=False), "next(batches) ran once"),
    (grading.check_critic_step, make_step(zero_d=False), "zero_grad"),
    (grading.check_critic_step, make_step(sign_g=1.0), "G's loss has the wrong sign"),
    (grading.check_critic_step, make_step(items=False), "plain numbers"),
    (grading.check_frechet_distance, _sqrtm_fd_float32, "precision"),
    (
        grading.check_frechet_distance,
        lambda a, b: fd(a.float(), b.float()) * (1 - 1e-5),
        "float64",
    ),
    (
        grading.check_frechet_distance,
        lambda a, b: fd(a, b, correction=0),
        "divided by n",
    ),
    (
        grading.check_fd_same_distribution,
        lambda n, d, t, s: fd_same(n, d, t, s, same=True),
        "about 0",
    ),
    (
        grading.check_fd_same_distribution,
        lambda n, d, t, s: fd_same(n, d, t, s, split=True),
        "twice",
    ),
    (grading.check_fd_infinity, lambda ns, v: polyfit(ns, v, 1), "1/n"),
    (
        grading.check_fd_infinity,
        lambda ns, v: polyfit(1 / np.asarray(ns), v, 0),
        "slope",
    ),
    (grading.check_fd_infinity, lambda ns, v: float(v[-1]), "largest n"),
    (
        grading.check_fd_curve,
        lambda a, b, ns, r, s: fd_curve(a, b, ns, r, s, draw=False),
        "about 0",
    ),
    (
        grading.check_fd_curve,
        lambda a, b, ns, r, s: [r * v for v in fd_curve(a, b, ns, r, s)],
        "expected about",
    ),
]


@pytest.mark.parametrize(
    ("check", "wrong", "words"),
    WRONG,
    ids=lambda v: v.__name__ if callable(v) and hasattr(v, "__name__") else None,
)
def test_a_wrong_answer_fails_and_says_why(check, wrong, words):
    with pytest.raises(grading.CheckFailed) as failed:
        check(wrong)
    assert words in str(failed.value)
    assert isinstance(failed.value, AssertionError)


def test_every_check_of_the_assignments_is_shown_to_fail():
    checks = {name for name in dir(grading) if name.startswith("check_")}
    shown = {w[0].__name__ for w in WRONG} | {
        "check_trained_discriminator",
        "check_penalty_run",
        "check_function",
    }
    assert checks <= shown


@pytest.mark.parametrize("check", RIGHT, ids=lambda c: c.__name__)
def test_a_stub_is_not_written_yet(check):
    def stub(*args, **kwargs):
        raise NotImplementedError("write your code here")

    with pytest.raises(grading.CheckFailed, match="not written yet"):
        check(stub)


def test_an_error_names_the_case_and_the_students_line():
    def broken(d_fake):
        return d_fake.softplus()  # no such method

    with pytest.raises(grading.CheckFailed) as failed:
        grading.check_nonsaturating_g(broken)
    message = str(failed.value)
    assert "raised AttributeError on the case where D is unsure" in message
    assert "your line: return d_fake.softplus()" in message


def test_check_function_compares_values_shapes_and_gradients():
    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    cases = [grading.Case("of three numbers", (x,))]

    def reference(t):
        return t.square().sum()

    grading.check_function(lambda t: (t * t).sum(), reference, cases)
    for wrong, words in [
        (lambda t: t.square(), "shape (3,), expected one number"),
        (lambda t: t.square().sum() + 1, "expected 14, got 15"),
        (lambda t: "14", "returned a str"),
        (lambda t: t.detach().square().sum(), "carries no gradient"),
        (
            lambda t: t.square().sum() + t.detach().sum() - t.sum(),
            "its gradient is not",
        ),
    ]:
        with pytest.raises(grading.CheckFailed, match=re.escape(words)):
            grading.check_function(wrong, reference, cases, name="square_sum")
    mistake = grading.Mistake(
        "a square too many", lambda t: t.square().square().sum(), "x"
    )
    with pytest.raises(grading.CheckFailed, match="It looks like a square too many"):
        grading.check_function(
            lambda t: (t**4).sum(), reference, cases, diagnose=[mistake]
        )


def test_a_trained_discriminator_is_judged_by_its_value():
    x = torch.linspace(-6, 6, 601, dtype=torch.float64)
    p = divergences.mixture_pdf(x, [-2.0, 2.0], [0.5, 0.5])
    q = divergences.normal_pdf(x)
    d_star = divergences.optimal_discriminator(p, q)
    grading.check_trained_discriminator(d_star, p, q, x)
    for d, words in [
        (torch.logit(d_star.clamp(1e-6, 1 - 1e-6)), "logits"),
        (1 - d_star, "calls the generator's samples real"),
        (torch.full_like(x, 0.5), "learned little"),
        (d_star[:-1], "shape"),
    ]:
        with pytest.raises(grading.CheckFailed, match=words):
            grading.check_trained_discriminator(d, p, q, x)
    assert math.isclose(
        float(divergences.gan_value(torch.full_like(x, 0.5), p, q, x)), -math.log(4)
    )


def test_a_penalty_run_must_hold_the_norms_near_one():
    held, free = [0.02, 0.9, 1.0, 1.05, 0.98], [0.02, 3.0, 20.0, 80.0, 150.0]
    grading.check_penalty_run({0.0: free, 10.0: held})
    for medians, words in [
        ({0.0: held, 10.0: held}, "same norms"),
        ({0.0: free, 10.0: [v * 2 for v in free]}, "not near 1"),
        ({0.0: [0.02, 1.1, 1.2], 10.0: held}, "switched off"),
        ({0.0: [150.0], 10.0: held}, "at least 3"),
        ({1.0: free, 10.0: held}, "λ = 0 and λ = 10"),
    ]:
        with pytest.raises(grading.CheckFailed, match=words):
            grading.check_penalty_run(medians)


def test_checks_leave_the_global_random_state_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    grading.check_gradient_penalty(penalty)
    grading.check_critic_step(make_step())
    grading.check_frechet_distance(fd)
    torch.testing.assert_close(torch.rand(3), expected)


def test_the_references_are_the_packages():
    d = torch.tensor([-3.0, 0.0, 2.0])
    torch.testing.assert_close(losses.nonsaturating_g(d), F.softplus(-d).mean())
    f1, f2 = torch.randn(50, 3), torch.randn(40, 3) + 1
    assert math.isclose(grading.reference_fd(f1, f2), fd(f1, f2), rel_tol=1e-9)
