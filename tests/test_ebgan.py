"""EBGAN (Zhao et al. 2016): energy, margin hinge, pulling-away term, autoencoder D."""

import pytest
import torch
from torch import nn

import gantutor as gt


def test_pulling_away_of_orthogonal_codes_is_zero_and_of_identical_ones_one():
    torch.testing.assert_close(gt.losses.pulling_away(torch.eye(5)), torch.tensor(0.0))
    torch.testing.assert_close(
        gt.losses.pulling_away(3.0 * torch.eye(4)), torch.tensor(0.0)
    )
    same = torch.tensor([0.3, -1.2, 2.0]).expand(6, 3)
    torch.testing.assert_close(gt.losses.pulling_away(same), torch.tensor(1.0))
    opposite = torch.tensor([[1.0, 2.0], [-1.0, -2.0]])  # cos = −1, squared = 1
    torch.testing.assert_close(gt.losses.pulling_away(opposite), torch.tensor(1.0))


def test_pulling_away_matches_its_double_sum():
    s = torch.randn(7, 4, dtype=torch.float64)
    total = sum(
        (s[i] @ s[j] / (s[i].norm() * s[j].norm())) ** 2
        for i in range(7)
        for j in range(7)
        if i != j
    )
    torch.testing.assert_close(gt.losses.pulling_away(s), total / (7 * 6))


def test_hinge_is_zero_for_fakes_at_or_above_the_margin():
    e_fake = torch.tensor([1.0, 2.5, 10.0])
    torch.testing.assert_close(gt.losses.margin_hinge(e_fake, 1.0), torch.tensor(0.0))
    torch.testing.assert_close(  # (1 − 0.25 + 1 − 0.5 + 0) / 3
        gt.losses.margin_hinge(torch.tensor([0.25, 0.5, 3.0]), 1.0),
        torch.tensor(1.25 / 3),
    )
    torch.testing.assert_close(gt.losses.margin_hinge(e_fake, 0.0), torch.tensor(0.0))


def test_perfect_autoencoder_with_energetic_fakes_has_zero_d_loss():
    D = gt.models.AutoencoderDiscriminator(2, code_dim=2)
    D.encoder, D.decoder = nn.Identity(), nn.Identity()  # reconstructs everything
    x_real = gt.data.ring().sample(32)
    e_real, s_real = D.energy_and_code(x_real)
    torch.testing.assert_close(e_real, torch.zeros(32))
    torch.testing.assert_close(s_real, x_real)
    e_fake = torch.full((32,), 2.0)  # fakes the margin leaves alone
    torch.testing.assert_close(
        gt.losses.ebgan_d(e_real, e_fake, 1.5), torch.tensor(0.0)
    )
    assert gt.losses.ebgan_d(e_real, e_fake, 3.0) == pytest.approx(1.0)


def test_losses_match_their_formulas_and_equilibrium_value():
    e_real, e_fake = torch.rand(16), 2 * torch.rand(16)
    m = 1.2
    torch.testing.assert_close(
        gt.losses.ebgan_d(e_real, e_fake, m),
        e_real.mean() + (m - e_fake).clamp(min=0).mean(),
    )
    torch.testing.assert_close(gt.losses.ebgan_g(e_fake), e_fake.mean())
    # Theorem 1: when fakes and data share their energies e ≤ m, L_D = m
    e = torch.full((16,), 0.4)
    torch.testing.assert_close(gt.losses.ebgan_d(e, e, m), torch.tensor(m))


def test_energy_is_the_per_sample_mse_and_realness_its_negative():
    D = gt.models.AutoencoderDiscriminator(
        (1, 28, 28), code_dim=16, hidden=32, out="tanh"
    )
    x = torch.rand(5, 1, 28, 28) * 2 - 1
    e, s = D.energy_and_code(x)
    assert e.shape == (5,) and s.shape == (5, 16)
    x_hat = D.out(D.decoder(D.encoder(x.flatten(1)))).view_as(x)
    torch.testing.assert_close(e, ((x_hat - x) ** 2).mean(dim=(1, 2, 3)))
    torch.testing.assert_close(D(x), -e)
    assert (e >= 0).all()


def test_shapes_and_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="one energy per sample"):
        gt.losses.ebgan_d(torch.zeros(4, 1), torch.zeros(4), 1.0)
    with pytest.raises(ValueError, match="one energy per sample"):
        gt.losses.ebgan_g(torch.zeros(2, 2))
    with pytest.raises(ValueError, match="margin must be"):
        gt.losses.margin_hinge(torch.zeros(3), -1.0)
    with pytest.raises(ValueError, match="N >= 2"):
        gt.losses.pulling_away(torch.zeros(1, 4))
    with pytest.raises(ValueError, match=r"\(N, d\)"):
        gt.losses.pulling_away(torch.zeros(4))
    with pytest.raises(ValueError, match="same shape"):
        gt.losses.reconstruction_energy(torch.zeros(3, 2), torch.zeros(3, 3))
    with pytest.raises(ValueError, match="expects inputs of shape"):
        gt.models.AutoencoderDiscriminator(2)(torch.zeros(4, 3))
    with pytest.raises(ValueError, match="code_dim"):
        gt.models.AutoencoderDiscriminator(2, code_dim=0)
    with pytest.raises(ValueError, match="out must be"):
        gt.models.AutoencoderDiscriminator(2, out="sigmoid")


def test_pulling_away_pushes_codes_apart():
    s = (torch.ones(4, 3) + 0.1 * torch.randn(4, 3)).requires_grad_(True)
    opt = torch.optim.SGD([s], lr=0.5)
    before = float(gt.losses.pulling_away(s.detach()))
    for _ in range(50):
        opt.zero_grad()
        gt.losses.pulling_away(s).backward()
        opt.step()
    assert float(gt.losses.pulling_away(s.detach())) < 0.5 * before


def test_energy_snapshot_and_callback():
    G = gt.models.MLPGenerator(2, 2, hidden=16, depth=2)
    D = gt.models.AutoencoderDiscriminator(2, code_dim=2, hidden=16)
    z = torch.randn(20, 2)
    snap = gt.train.callbacks.energy_snapshot_2d(
        G, D, z, step=3, scale=0.5, resolution=10
    )
    assert snap.step == 3 and snap.x_fake.shape == snap.push.shape == (20, 2)
    assert snap.surface.shape == (10, 10)
    assert ((snap.surface >= 0) & (snap.surface <= 1)).all()
    with torch.no_grad():
        expected = -torch.autograd.functional.jacobian(
            lambda x: D.energy(x).sum(), G(z)
        )
    torch.testing.assert_close(snap.push, expected)
    with pytest.raises(ValueError, match="scale must be positive"):
        gt.train.callbacks.energy_snapshot_2d(G, D, z, scale=0.0)
    callback = gt.train.callbacks.EnergySnapshots(G, D, z, every=1, scale=0.5)

    class Trainer:
        step = 7

    callback(Trainer())
    assert [s.step for s in callback.snapshots] == [7]
