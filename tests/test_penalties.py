"""Penalties: per-sample norms on hand-made critics, clipping, weights, fp32."""

import pytest
import torch
from torch import nn

from gantutor import losses, penalties


class Quadratic(nn.Module):
    """f(x) = ½ a ‖x‖² per sample: ∇f(x) = a x, so ‖∇f‖ = |a| ‖x‖ per sample."""

    def __init__(self, a: float = 1.0):
        super().__init__()
        self.a = nn.Parameter(torch.tensor(a))

    def forward(self, x):
        return 0.5 * self.a * x.flatten(1).square().sum(1)  # (B,)


def test_gradient_norms_are_per_sample_over_all_channels_and_pixels():
    x = torch.zeros(2, 3, 2, 2)
    x[0, :, 0, 0] = torch.tensor([3.0, 0.0, 4.0])  # norm 5 across channels
    x[1, 1, 1, 1] = 2.0  # norm 2
    norms = penalties.gradient_norms(Quadratic(), x)
    torch.testing.assert_close(norms, torch.tensor([5.0, 2.0]))
    # the whole-batch norm (a known bug) would be sqrt(29), per pixel another value
    assert not torch.allclose(norms, torch.full((2,), 29**0.5))


def test_gradient_penalty_matches_the_per_sample_formula():
    torch.manual_seed(0)
    x_real, x_fake = torch.randn(8, 1, 4, 4), torch.randn(8, 1, 4, 4)
    torch.manual_seed(1)
    gp = penalties.gradient_penalty(Quadratic(2.0), x_real, x_fake)
    torch.manual_seed(1)
    eps = torch.rand(8, 1, 1, 1)  # one coefficient per sample, same RNG draw
    x_hat = eps * x_real + (1 - eps) * x_fake
    expected = (2.0 * x_hat.flatten(1).norm(dim=1) - 1).square().mean()
    torch.testing.assert_close(gp, expected)
    batch_norm_bug = (2.0 * x_hat.norm() - 1).square()
    assert not torch.isclose(gp, batch_norm_bug)


def test_interpolation_coefficient_is_one_per_sample():
    torch.manual_seed(0)
    x_real, x_fake = torch.ones(64, 3, 2, 2), torch.zeros(64, 3, 2, 2)
    x_hat = penalties.interpolates(x_real, x_fake)
    per_sample = x_hat.flatten(1)
    torch.testing.assert_close(per_sample.min(1).values, per_sample.max(1).values)
    assert per_sample[:, 0].std() > 0.1  # but different between samples
    with pytest.raises(ValueError, match="same shape"):
        penalties.interpolates(x_real, x_fake[:3])
    eps = torch.linspace(0, 1, 64)
    fixed = penalties.interpolates(2 * x_real, x_fake, eps)
    torch.testing.assert_close(fixed[:, 1, 0, 0], 2 * eps)  # the given coefficients
    with pytest.raises(ValueError, match="one coefficient per sample"):
        penalties.interpolates(x_real, x_fake, eps[:3])


def test_penalty_reaches_the_weights_and_is_zero_for_a_unit_slope():
    linear = nn.Linear(5, 1, bias=False)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[0.6, 0.8, 0.0, 0.0, 0.0]]))  # norm 1
    x = torch.randn(16, 5)
    gp = penalties.gradient_penalty(linear, x, torch.randn(16, 5))
    torch.testing.assert_close(gp, torch.tensor(0.0))
    with torch.no_grad():
        linear.weight.mul_(3.0)  # slope 3 everywhere: penalty (3 - 1)^2 = 4
    gp = penalties.gradient_penalty(linear, x, torch.randn(16, 5))
    torch.testing.assert_close(gp, torch.tensor(4.0))
    gp.backward()
    # d/dw (‖w‖ − 1)² = 2(‖w‖ − 1) w/‖w‖ = (4/3) w
    torch.testing.assert_close(linear.weight.grad, 4 / 3 * linear.weight.detach())


def test_the_critic_loss_changes_with_lambda_gp():
    torch.manual_seed(0)
    D = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 1))
    x_real, x_fake = torch.randn(32, 2), torch.randn(32, 2) + 2
    base = losses.wasserstein_d(D(x_real), D(x_fake))
    totals = []
    for lambda_gp in (0.0, 1.0, 10.0):
        torch.manual_seed(1)
        gp = penalties.gradient_penalty(D, x_real, x_fake)
        totals.append(base + lambda_gp * gp)
    assert gp > 0
    torch.testing.assert_close(totals[0], base)
    assert totals[0] < totals[1] < totals[2]


def test_r1_r2_are_half_the_mean_squared_norm():
    x = torch.tensor([[3.0, 4.0], [0.0, 1.0]])
    expected = torch.tensor(0.5 * (25.0 + 1.0) / 2)
    torch.testing.assert_close(penalties.r1(Quadratic(), x), expected)
    torch.testing.assert_close(penalties.r2(Quadratic(), x), expected)


def test_dragan_penalises_a_unit_slope_with_zero():
    linear = nn.Linear(3, 1)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[1.0, 0.0, 0.0]]))
    torch.testing.assert_close(
        penalties.dragan(linear, torch.randn(10, 3)), torch.tensor(0.0)
    )


def test_penalties_are_float32_under_bf16_autocast():
    D = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    x = torch.randn(6, 4)
    with torch.autocast("cpu", torch.bfloat16):
        norms = penalties.gradient_norms(D, x)
        gp = penalties.gradient_penalty(D, x, x.flip(0))
    assert norms.dtype == gp.dtype == torch.float32
    torch.testing.assert_close(norms, penalties.gradient_norms(D, x))


def test_zero_gradient_gives_a_finite_penalty_and_gradient():
    D = Quadratic(0.0)
    gp = penalties.gradient_penalty(D, torch.zeros(4, 2), torch.zeros(4, 2))
    gp.backward()
    torch.testing.assert_close(gp, torch.tensor(1.0))
    assert torch.isfinite(D.a.grad)


def test_clip_weights_keeps_every_parameter_in_bounds():
    torch.manual_seed(0)
    D = nn.Sequential(nn.Linear(4, 32), nn.LeakyReLU(0.2), nn.Linear(32, 1))
    with torch.no_grad():
        for p in D.parameters():
            p.mul_(10)
    penalties.clip_weights(D, 0.01)
    for p in D.parameters():
        assert p.abs().max() <= 0.01
    assert any((p.abs() == 0.01).any() for p in D.parameters())  # really clipped
    with pytest.raises(ValueError, match="positive"):
        penalties.clip_weights(D, 0.0)


def test_wasserstein_losses_sign_convention():
    d_real, d_fake = torch.tensor([2.0, 4.0]), torch.tensor([[0.0], [1.0]])
    torch.testing.assert_close(losses.wasserstein_d(d_real, d_fake), torch.tensor(-2.5))
    torch.testing.assert_close(losses.wasserstein_g(d_fake), torch.tensor(-0.5))
    assert losses.get("wasserstein").d is losses.wasserstein_d


def test_float64_critics_keep_float64():
    D = nn.Linear(3, 1).double()
    x = torch.randn(4, 3, dtype=torch.float64)
    norms = penalties.gradient_norms(D, x)
    assert norms.dtype == torch.float64
    torch.testing.assert_close(norms, D.weight.norm().expand(4))


def test_gradient_penalty_and_dragan_keep_float64():
    D = nn.Linear(3, 1).double()
    with torch.no_grad():
        D.weight.copy_(torch.tensor([[1.0, 2.0, 2.0]]))  # slope 3: (3 - 1)² = 4
    x_real = torch.randn(6, 3, dtype=torch.float64)
    x_fake = torch.randn(6, 3, dtype=torch.float64)
    four = torch.tensor(4.0, dtype=torch.float64)
    torch.testing.assert_close(penalties.gradient_penalty(D, x_real, x_fake), four)
    torch.testing.assert_close(penalties.dragan(D, x_real), four)


def test_a_critic_that_promotes_to_float64_is_computed_in_float64():
    # Quadratic's parameter is float32; with float64 x its output is float64.
    # x_real = x_fake, so x̂ = x whatever the coefficients: (2‖x‖ − 1)² exactly.
    x = torch.tensor([[1 / 3, 1e-9], [0.1, 0.7]], dtype=torch.float64)
    gp = penalties.gradient_penalty(Quadratic(2.0), x, x)
    expected = (2 * x.norm(dim=1) - 1).square().mean()
    torch.testing.assert_close(gp, expected, rtol=1e-14, atol=0)


def test_dragan_is_float32_under_bf16_autocast():
    D = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1))
    x = torch.randn(6, 4)
    with torch.autocast("cpu", torch.bfloat16):
        penalty = penalties.dragan(D, x.bfloat16())
    assert penalty.dtype == torch.float32


def test_orthogonal_is_zero_for_orthogonal_rows_and_matches_a_hand_computation():
    q, _ = torch.linalg.qr(torch.randn(6, 6, dtype=torch.float64))
    torch.testing.assert_close(
        penalties.orthogonal(q[:4]), torch.tensor(0.0, dtype=torch.float64)
    )
    scaled = q[:4] * torch.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=torch.float64)
    torch.testing.assert_close(  # norms are free: only the off-diagonal counts
        penalties.orthogonal(scaled), torch.tensor(0.0, dtype=torch.float64)
    )
    W = torch.tensor([[1.0, 2.0], [3.0, 4.0]])  # W Wᵀ = [[5, 11], [11, 25]]
    torch.testing.assert_close(penalties.orthogonal(W), torch.tensor(2 * 11.0**2))
    conv = W.view(2, 1, 2, 1)  # a conv weight (out, in, kh, kw): rows are filters
    torch.testing.assert_close(penalties.orthogonal(conv), torch.tensor(242.0))
    with pytest.raises(ValueError, match="matrix"):
        penalties.orthogonal(torch.ones(3))


def test_orthogonal_of_sums_the_weights_and_skips_excluded_modules():
    net = nn.Sequential(nn.Embedding(3, 2), nn.Linear(2, 2), nn.Linear(2, 3))
    expected = penalties.orthogonal(net[1].weight) + penalties.orthogonal(net[2].weight)
    torch.testing.assert_close(
        penalties.orthogonal_of(net, exclude=(net[0],)), expected
    )
    with_embedding = expected + penalties.orthogonal(net[0].weight)
    torch.testing.assert_close(penalties.orthogonal_of(net), with_embedding)
    with pytest.raises(ValueError, match="no weight matrix"):
        penalties.orthogonal_of(nn.BatchNorm1d(3))
