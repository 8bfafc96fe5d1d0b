"""Closed forms for gantutor.labs.divergences: D*, JS, KL and the value of the game."""

import math

import pytest
import torch
from torch.testing import assert_close

from gantutor.labs import divergences as dv

X = torch.linspace(-40, 40, 160_001, dtype=torch.float64)


def scalar(value: float) -> torch.Tensor:
    return torch.tensor(value, dtype=torch.float64)


def test_densities_integrate_to_one():
    p = dv.normal_pdf(X, 1.0, 0.5)
    m = dv.mixture_pdf(X, [-2.0, 3.0], [0.3, 1.0], [0.25, 0.75])
    assert_close(dv.integrate(p, X), scalar(1.0))
    assert_close(dv.integrate(m, X), scalar(1.0))


def test_js_of_identical_distributions_is_zero():
    p = dv.mixture_pdf(X, [-1.5, 1.5], [0.5, 0.5])
    assert_close(dv.js_divergence(p, p.clone(), X), scalar(0.0))


def test_js_of_disjoint_distributions_is_log_2():
    p, q = dv.normal_pdf(X, -20.0, 1.0), dv.normal_pdf(X, 20.0, 1.0)
    assert_close(dv.js_divergence(p, q, X), scalar(math.log(2)))


def test_js_is_symmetric_and_between_0_and_log_2():
    p, q = dv.normal_pdf(X, 0.0, 1.0), dv.mixture_pdf(X, [-1.0, 2.0], [0.4, 0.7])
    js_pq, js_qp = dv.js_divergence(p, q, X), dv.js_divergence(q, p, X)
    assert_close(js_pq, js_qp)
    assert 0.0 < float(js_pq) < math.log(2)


def test_kl_of_two_gaussians_matches_closed_form():
    m1, s1, m2, s2 = 0.5, 0.8, -1.0, 1.5
    expected = math.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - 0.5
    kl = dv.kl_divergence(dv.normal_pdf(X, m1, s1), dv.normal_pdf(X, m2, s2), X)
    assert_close(kl, scalar(expected))


def test_optimal_discriminator_is_one_half_when_p_equals_q():
    p = dv.mixture_pdf(X, [-1.5, 1.5], [0.5, 0.5])
    assert_close(dv.optimal_discriminator(p, p.clone()), torch.full_like(p, 0.5))
    zeros = torch.zeros(3, dtype=torch.float64)
    assert_close(dv.optimal_discriminator(zeros, zeros), torch.full_like(zeros, 0.5))


def test_optimal_discriminator_on_a_hand_made_case():
    p = torch.tensor([0.0, 1.0, 3.0, 2.0], dtype=torch.float64)
    q = torch.tensor([1.0, 1.0, 1.0, 0.0], dtype=torch.float64)
    expected = torch.tensor([0.0, 0.5, 0.75, 1.0], dtype=torch.float64)
    assert_close(dv.optimal_discriminator(p, q), expected)


def test_value_at_optimal_discriminator_is_minus_log_4_plus_2_js():
    p, q = dv.mixture_pdf(X, [-1.5, 1.5], [0.5, 0.5]), dv.normal_pdf(X, 0.0, 1.0)
    v_star = dv.gan_value(dv.optimal_discriminator(p, q), p, q, X)
    assert_close(v_star, dv.optimal_value(p, q, X))
    assert_close(v_star, -math.log(4) + 2 * dv.js_divergence(p, q, X))


def test_value_at_optimum_of_the_game_is_minus_log_4():
    p = dv.normal_pdf(X, 0.3, 0.7)
    assert_close(dv.optimal_value(p, p.clone(), X), scalar(-math.log(4)))
    half = torch.full_like(p, 0.5)
    assert_close(dv.gan_value(half, p, p.clone(), X), scalar(-math.log(4)))


def test_optimal_discriminator_beats_perturbed_ones():
    p, q = dv.mixture_pdf(X, [-1.5, 1.5], [0.5, 0.5]), dv.normal_pdf(X, 0.0, 1.0)
    d_star = dv.optimal_discriminator(p, q)
    v_star = dv.gan_value(d_star, p, q, X)
    for shift in (-0.05, 0.05):
        d = (d_star + shift * torch.sin(X)).clamp(1e-6, 1 - 1e-6)
        assert float(dv.gan_value(d, p, q, X)) < float(v_star)


def test_gan_value_agrees_with_monte_carlo_of_losses_gan_value():
    from gantutor import losses

    torch.manual_seed(0)
    logit = lambda t: 0.8 * t - 0.3  # a fixed discriminator  # noqa: E731
    p, q = dv.normal_pdf(X, 1.0, 1.0), dv.normal_pdf(X, -1.0, 1.0)
    exact = dv.gan_value(torch.sigmoid(logit(X)), p, q, X)
    x_real, x_fake = torch.randn(400_000) + 1.0, torch.randn(400_000) - 1.0
    mc = losses.gan_value(logit(x_real), logit(x_fake)).double()
    assert_close(mc, exact, atol=5e-3, rtol=0)


def test_bad_arguments_are_refused():
    p = dv.normal_pdf(X)
    with pytest.raises(ValueError, match="increasing"):
        dv.js_divergence(p, p, X.flip(0))
    with pytest.raises(ValueError, match="shape"):
        dv.js_divergence(p[:-1], p[:-1], X)
    with pytest.raises(ValueError, match="probabilities"):
        dv.gan_value(p + 1.0, p, p, X)
    with pytest.raises(ValueError, match="weights"):
        dv.mixture_pdf(X, [0.0, 1.0], [1.0, 1.0], [0.3, 0.3])
    with pytest.raises(ValueError, match="std"):
        dv.normal_pdf(X, 0.0, 0.0)
