"""f-GAN: the conjugates and activations of Nowozin et al. 2016 (arXiv:1606.00709,
Tables 1 and 2) against their definitions, and the variational bound against closed
forms on two Gaussians."""

import math

import pytest
import torch

import gantutor as gt
from gantutor.labs import divergence_landscape as landscape
from gantutor.labs.divergences import js_divergence, normal_pdf
from gantutor.losses import fdiv as fgan

NAMES = list(fgan.DIVERGENCES)
V = torch.linspace(-2, 2, 41, dtype=torch.float64)  # pre-activations
U = torch.logspace(-6, 2.5, 50_001, dtype=torch.float64)  # (0, 316]: dom f


def numerical_conjugate(f, t: torch.Tensor) -> torch.Tensor:
    """sup_u (u t − f(u)) over the grid U, for each t."""
    return (U * t[:, None] - f(U)).max(dim=1).values  # (T, len(U)) -> (T,)


def test_the_seven_divergences_are_registered_and_unknown_names_listed():
    assert NAMES == [
        "kl", "reverse-kl", "pearson", "neyman", "hellinger", "js", "gan"
    ]  # fmt: skip
    assert fgan.get("kl") is fgan.DIVERGENCES["kl"]
    with pytest.raises(ValueError, match="known: kl, reverse-kl, pearson"):
        fgan.get("wasserstein")
    with pytest.raises(ValueError, match="known"):
        fgan.loss("tv")


@pytest.mark.parametrize("name", NAMES)
def test_conjugate_is_the_supremum_of_ut_minus_f(name):
    div = fgan.DIVERGENCES[name]
    t = div.activation(V)  # the maximisers u* = (f')⁻¹(t) lie in [e^-4, e^4]
    torch.testing.assert_close(
        div.conjugate(t), numerical_conjugate(div.f, t), atol=1e-6, rtol=1e-6
    )


def test_the_supremum_check_catches_the_reverse_kl_sign_error():
    div = fgan.DIVERGENCES["reverse-kl"]
    t = div.activation(V)
    wrong = -1 + torch.log(-t)  # the sign error of PITFALLS.md
    with pytest.raises(AssertionError):
        torch.testing.assert_close(wrong, numerical_conjugate(div.f, t))
    assert (torch.exp(-V) > div.t_max).all()  # activation +exp(−v) leaves dom f*


@pytest.mark.parametrize("name", NAMES)
def test_activation_is_increasing_into_the_domain_of_the_conjugate(name):
    div = fgan.DIVERGENCES[name]
    v = torch.linspace(-10, 10, 201, dtype=torch.float64)
    t = div.activation(v)
    assert (t < div.t_max).all() and (t.diff() > 0).all()
    assert div.conjugate(t).isfinite().all()


@pytest.mark.parametrize("name", NAMES)
def test_stable_composition_equals_conjugate_of_activation(name):
    div = fgan.DIVERGENCES[name]
    v = torch.linspace(-10, 10, 201, dtype=torch.float64)
    torch.testing.assert_close(
        div.conjugate_of_activation(v), div.conjugate(div.activation(v))
    )
    extreme = torch.tensor([-60.0, 60.0])  # float32, where g_f rounds to dom's edge
    assert div.conjugate_of_activation(extreme).isfinite().all()


@pytest.mark.parametrize("name", NAMES)
def test_fenchel_young_inequality_with_equality_at_the_derivative(name):
    div = fgan.DIVERGENCES[name]
    u = torch.logspace(-3, 3, 61, dtype=torch.float64)[:, None]  # (61, 1)
    t = div.activation(V)[None, :]  # (1, 41)
    gap = div.f(u) + div.conjugate(t) - u * t  # (61, 41)
    assert (gap >= -1e-12).all()
    u = u[:, 0].clone().requires_grad_(True)
    (f_prime,) = torch.autograd.grad(div.f(u).sum(), u)  # t = f'(u)
    at_derivative = div.f(u) + div.conjugate(f_prime) - u * f_prime
    torch.testing.assert_close(at_derivative, torch.zeros_like(u), atol=1e-9, rtol=0)


@pytest.mark.parametrize("name", NAMES)
def test_a_blind_critic_scores_f_of_one(name):
    div = fgan.DIVERGENCES[name]
    one = torch.ones(1, dtype=torch.float64, requires_grad=True)
    (f_prime_1,) = torch.autograd.grad(div.f(one).sum(), one)
    f_1 = -math.log(4) if name == "gan" else 0.0  # D_GAN = 2 JS − log 4
    torch.testing.assert_close(div.f(one.detach()).item(), f_1)
    torch.testing.assert_close(f_prime_1.item(), div.f_prime_1)
    t = torch.tensor([div.f_prime_1], dtype=torch.float64)
    torch.testing.assert_close((t - div.conjugate(t)).item(), f_1)  # F(f'(1)) = f(1)


def test_gan_row_is_the_original_gan_and_js_differs_by_a_constant():
    d_real, d_fake = torch.randn(64), torch.randn(64, 1)
    gan, js = fgan.loss("gan"), fgan.loss("js")
    torch.testing.assert_close(gan.d(d_real, d_fake), gt.losses.gan_d(d_real, d_fake))
    torch.testing.assert_close(gan.g(d_fake), gt.losses.minimax_g(d_fake))
    torch.testing.assert_close(
        fgan.loss("gan", g="non-saturating").g(d_fake),
        gt.losses.nonsaturating_g(d_fake),
    )
    torch.testing.assert_close(
        js.d(d_real, d_fake), gan.d(d_real, d_fake) - math.log(4)
    )
    with pytest.raises(ValueError, match="saturating"):
        fgan.loss("kl", g="minimax")
    with pytest.raises(ValueError, match="one realness logit"):
        gan.d(torch.randn(4, 2), d_fake)


X = torch.linspace(-12, 12, 24_001, dtype=torch.float64)
P, Q = normal_pdf(X), normal_pdf(X, 1.0, 1.2)
EXACT = {  # P = N(0, 1), Q = N(1, 1.2²)
    k: v.item()
    for k, v in landscape.gaussian(
        torch.tensor([1.0], dtype=torch.float64), 1.2
    ).items()
}


@pytest.mark.parametrize(
    "name, exact",
    [
        ("kl", EXACT["KL"]),
        ("reverse-kl", EXACT["reverse KL"]),
        ("pearson", EXACT["Pearson χ²"]),
        ("hellinger", EXACT["squared Hellinger"]),
        ("js", 2 * js_divergence(P, Q, X).item()),
        ("gan", 2 * js_divergence(P, Q, X).item() - math.log(4)),
    ],
)
def test_quadrature_of_q_f_of_p_over_q_matches_closed_forms(name, exact):
    torch.testing.assert_close(fgan.f_divergence(name, P, Q, X).item(), exact)


def test_f_divergence_refuses_a_vanishing_q():
    with pytest.raises(ValueError, match="q > 0 wherever p > 0"):
        fgan.f_divergence("kl", P, torch.zeros_like(Q), X)
    zero = torch.zeros_like(P)
    assert fgan.f_divergence("kl", zero, zero, X).item() == 0.0


@pytest.mark.parametrize("name, key", [
    ("kl", "KL"), ("reverse-kl", "reverse KL"), ("pearson", "Pearson χ²"),
    ("hellinger", "squared Hellinger"),
])  # fmt: skip
def test_a_trained_critic_estimates_the_divergence(name, key):
    torch.manual_seed(0)
    D = gt.models.critic(hidden=32)
    opt = torch.optim.Adam(D.parameters(), lr=1e-2)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, 300)
    loss = fgan.loss(name)
    for _ in range(300):
        x_p, x_q = torch.randn(512, 1), 1 + 1.2 * torch.randn(512, 1)
        loss_D = loss.d(D(x_p), D(x_q))
        opt.zero_grad(set_to_none=True)
        loss_D.backward()
        opt.step()
        schedule.step()
    with torch.no_grad():
        x_p, x_q = torch.randn(200_000, 1), 1 + 1.2 * torch.randn(200_000, 1)
        estimate = fgan.bound(name, D(x_p), D(x_q)).item()
    # a lower bound, up to Monte Carlo noise; seeds 0-4 land within 2.5 %
    torch.testing.assert_close(estimate, EXACT[key], rtol=0.05, atol=0.01)


def test_gaussian_generator_and_its_trace():
    G = gt.models.GaussianGenerator(mean=1.0, std=0.5)
    x = G(torch.randn(10_000, 1))
    assert x.shape == (10_000, 1)
    torch.testing.assert_close(x.mean().item(), 1.0, atol=0.03, rtol=0)
    torch.testing.assert_close(x.std().item(), 0.5, atol=0.02, rtol=0)
    trace = gt.train.callbacks.GaussianTrace(G, every=1)
    trace(type("T", (), {"step": 7})())
    torch.testing.assert_close(
        trace.trajectory(), torch.tensor([[7.0, 1.0, 0.5]], dtype=torch.float64)
    )
    with pytest.raises(ValueError, match="std"):
        gt.models.GaussianGenerator(std=0.0)
