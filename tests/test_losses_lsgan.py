"""LSGAN losses (Mao et al. 2017): the a-b-c codes, D* and the Pearson χ² link."""

import pytest
import torch

from gantutor import losses
from gantutor.labs import divergences as dv

X = torch.linspace(-10, 10, 20_001, dtype=torch.float64)  # holds all the mass
P_DATA = dv.mixture_pdf(X, [-1.5, 1.5], [0.5, 0.5])
P_G = dv.normal_pdf(X, 0.5, 1.2)


def lsgan_d_integral(d: torch.Tensor, p_data, p_g, a: float, b: float):
    """½ ∫ p_data (D − b)² + p_g (D − a)² dx: the D loss written as an integral."""
    return 0.5 * dv.integrate(p_data * (d - b) ** 2 + p_g * (d - a) ** 2, X)


def optimal_d(p_data, p_g, a: float, b: float):
    """D*(x) = (b p_data + a p_g) / (p_data + p_g) (Mao et al. 2017)."""
    return (b * p_data + a * p_g) / (p_data + p_g)


def test_losses_match_their_formulas():
    d_real, d_fake = torch.randn(64), torch.randn(64)
    torch.testing.assert_close(
        losses.lsgan_d(d_real, d_fake, a=-1.0, b=1.0),
        0.5 * ((d_real - 1) ** 2).mean() + 0.5 * ((d_fake + 1) ** 2).mean(),
    )
    torch.testing.assert_close(losses.lsgan_g(d_fake, c=0.0), 0.5 * (d_fake**2).mean())
    torch.testing.assert_close(losses.lsgan_g(d_fake[:, None]), losses.lsgan_g(d_fake))


def test_a_perfect_discriminator_has_zero_loss():
    ones, zeros = torch.ones(8), torch.zeros(8)
    torch.testing.assert_close(losses.lsgan_d(ones, zeros), torch.tensor(0.0))
    torch.testing.assert_close(losses.lsgan_g(ones), torch.tensor(0.0))
    assert losses.lsgan_d(zeros, ones) == pytest.approx(1.0)  # ½·1 + ½·1


@pytest.mark.parametrize("d", [3.0, 10.0, 30.0])
def test_generator_gradient_grows_where_the_sigmoid_saturates(d):
    # A fake that D scores far on the real side: −log σ(d) is flat there,
    # ½ (d − c)² pulls it back with a gradient d − c.
    d_fake = torch.tensor([d], dtype=torch.float64, requires_grad=True)
    (g_ls,) = torch.autograd.grad(losses.lsgan_g(d_fake, c=1.0), d_fake)
    (g_ns,) = torch.autograd.grad(losses.nonsaturating_g(d_fake), d_fake)
    torch.testing.assert_close(g_ls, torch.tensor([d - 1.0], dtype=torch.float64))
    assert abs(float(g_ns)) < 0.05 < float(g_ls)


@pytest.mark.parametrize("a, b", [(0.0, 1.0), (-1.0, 1.0)])
def test_optimal_discriminator_minimises_the_d_loss(a, b):
    d_star = optimal_d(P_DATA, P_G, a, b)
    best = lsgan_d_integral(d_star, P_DATA, P_G, a, b)
    bump = dv.normal_pdf(X, 0.0, 1.0)  # a smooth perturbation
    for eps in (-0.1, -0.01, 0.01, 0.1):
        assert lsgan_d_integral(d_star + eps * bump, P_DATA, P_G, a, b) > best
    # D* lies between the targets: a where only fakes are, b where only data
    assert a - 1e-12 <= float(d_star.min()) and float(d_star.max()) <= b + 1e-12


def pearson_chi2(p, q):
    """∫ (q − p)² / p dx: the paper's χ²_Pearson(p ‖ q), for p > 0."""
    return dv.integrate((q - p) ** 2 / p, X)


def test_generator_objective_at_d_star_is_half_pearson_chi2():
    # Mao et al. 2017: with b − c = 1 and b − a = 2 (a, b, c = −1, 1, 0),
    # C(G) = ½ E_pdata[(D* − c)²] + ½ E_pg[(D* − c)²] = ½ χ²(p_d + p_g ‖ 2 p_g).
    a, b, c = losses.LSGAN_CODES["lsgan-pearson"]
    assert (b - c, b - a) == (1.0, 2.0)
    d_star = optimal_d(P_DATA, P_G, a, b)
    c_of_g = 0.5 * dv.integrate((P_DATA + P_G) * (d_star - c) ** 2, X)
    chi2 = pearson_chi2(P_DATA + P_G, 2 * P_G)
    torch.testing.assert_close(c_of_g, 0.5 * chi2)
    assert float(chi2) > 0.1
    # and it vanishes when p_g = p_data
    d_same = optimal_d(P_DATA, P_DATA, a, b)
    torch.testing.assert_close(
        0.5 * dv.integrate(2 * P_DATA * (d_same - c) ** 2, X),
        torch.tensor(0.0, dtype=torch.float64),
    )


def test_the_0_1_1_code_is_not_the_pearson_divergence():
    # The check above must fail for a code without b − c = 1, b − a = 2.
    a, b, c = losses.LSGAN_CODES["lsgan"]
    d_star = optimal_d(P_DATA, P_G, a, b)
    c_of_g = 0.5 * dv.integrate((P_DATA + P_G) * (d_star - c) ** 2, X)
    assert abs(float(c_of_g - 0.5 * pearson_chi2(P_DATA + P_G, 2 * P_G))) > 1e-2


def test_registry_holds_both_codes():
    for name, (a, b, c) in losses.LSGAN_CODES.items():
        loss = losses.get(name)
        d_real, d_fake = torch.randn(16), torch.randn(16)
        torch.testing.assert_close(
            loss.d(d_real, d_fake), losses.lsgan_d(d_real, d_fake, a, b)
        )
        torch.testing.assert_close(loss.g(d_fake), losses.lsgan_g(d_fake, c))
    assert losses.LSGAN_CODES["lsgan"] == (0.0, 1.0, 1.0)
    assert losses.LSGAN_CODES["lsgan-pearson"] == (-1.0, 1.0, 0.0)


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="b must exceed"):
        losses.lsgan_d(torch.zeros(4), torch.zeros(4), a=1.0, b=0.0)
    with pytest.raises(ValueError, match="one realness logit per sample"):
        losses.lsgan_d(torch.zeros(4, 2), torch.zeros(4))
    with pytest.raises(ValueError, match="one realness logit per sample"):
        losses.lsgan_g(torch.zeros(2, 3))
