"""BEGAN (Berthelot et al. 2017): reconstruction loss, losses, k_t control, M."""

import pytest
import torch
from torch import nn

import gantutor as gt


class _Scale(nn.Module):
    def __init__(self, c: float):
        super().__init__()
        self.c = c

    def forward(self, x):
        return self.c * x


def _halving_autoencoder(in_shape=2) -> gt.models.AutoencoderDiscriminator:
    """An autoencoder whose reconstruction is exactly x / 2."""
    D = gt.models.AutoencoderDiscriminator(in_shape, code_dim=2)
    D.encoder, D.decoder, D.out = _Scale(0.5), nn.Identity(), nn.Identity()
    return D


def test_reconstruction_loss_eta_1_and_2_on_a_hand_made_autoencoder():
    D = _halving_autoencoder()
    x = torch.tensor([[2.0, -4.0], [1.0, 0.0]])  # x − x/2 = x/2
    torch.testing.assert_close(gt.losses.energy.reconstruct(D, x), x / 2)
    # eta = 1: mean(|1|, |−2|) = 1.5, mean(0.5, 0) = 0.25
    torch.testing.assert_close(
        gt.losses.began_loss(D, x, eta=1), torch.tensor([1.5, 0.25])
    )
    # eta = 2: mean(1, 4) = 2.5, mean(0.25, 0) = 0.125
    torch.testing.assert_close(
        gt.losses.began_loss(D, x, eta=2), torch.tensor([2.5, 0.125])
    )


def test_reconstruction_loss_of_images_is_a_per_sample_mean():
    x = torch.rand(3, 1, 4, 4) * 2 - 1
    x_hat = torch.rand(3, 1, 4, 4) * 2 - 1
    torch.testing.assert_close(
        gt.losses.reconstruction_loss(x, x_hat, 1),
        (x - x_hat).abs().mean(dim=(1, 2, 3)),
    )
    torch.testing.assert_close(
        gt.losses.reconstruction_loss(x, x_hat, 2),
        (x - x_hat).square().mean(dim=(1, 2, 3)),
    )
    D = gt.models.AutoencoderDiscriminator((1, 28, 28), code_dim=4, hidden=8)
    x = torch.rand(5, 1, 28, 28)
    # with eta = 2, L is EBGAN's energy: the same autoencoder, the same number
    torch.testing.assert_close(gt.losses.began_loss(D, x, eta=2), D.energy(x))


def test_losses_match_the_paper():
    l_real, l_fake = torch.tensor([0.2, 0.4]), torch.tensor([1.0, 3.0])
    k = torch.tensor(0.25)
    torch.testing.assert_close(
        gt.losses.began_d(l_real, l_fake, k), torch.tensor(0.3 - 0.5)
    )
    torch.testing.assert_close(gt.losses.began_g(l_fake), torch.tensor(2.0))
    torch.testing.assert_close(
        gt.losses.began_d(l_real, l_fake, 0.0), torch.tensor(0.3)
    )


def test_k_update_matches_the_equation_on_hand_made_numbers():
    l_real, l_fake = torch.tensor([0.4, 0.8]), torch.tensor([0.1, 0.3])
    # k + λ (γ L(x) − L(G(z))) = 0.5 + 0.1 (0.5 · 0.6 − 0.2) = 0.51
    k = gt.losses.update_k(torch.tensor(0.5), l_real, l_fake, gamma=0.5, lambda_k=0.1)
    torch.testing.assert_close(k, torch.tensor(0.51))
    # fakes reconstructed worse than γ L(x): k falls, 0.5 + 0.1 (0.3 − 1.3) = 0.4
    k = gt.losses.update_k(
        torch.tensor(0.5), l_real, torch.tensor([1.3, 1.3]), gamma=0.5, lambda_k=0.1
    )
    torch.testing.assert_close(k, torch.tensor(0.4))


@pytest.mark.parametrize("k_0", [0.0, 0.3, 1.0])
def test_k_stays_in_unit_interval_under_extreme_losses(k_0):
    k = torch.tensor(k_0)
    huge_real = torch.full((8,), 1e6)
    huge_fake = torch.full((8,), 1e6)
    tiny = torch.zeros(8)
    for _ in range(3):  # D reconstructs fakes perfectly: the balance is huge
        k = gt.losses.update_k(k, huge_real, tiny, gamma=1.0, lambda_k=1.0)
        assert 0.0 <= k.item() <= 1.0
    torch.testing.assert_close(k, torch.tensor(1.0))
    for _ in range(3):  # fakes reconstructed terribly: the balance is −1e6
        k = gt.losses.update_k(k, tiny, huge_fake, gamma=1.0, lambda_k=1.0)
        assert 0.0 <= k.item() <= 1.0
    torch.testing.assert_close(k, torch.tensor(0.0))


def test_convergence_measure_closed_form():
    l_real, l_fake = torch.tensor([0.2, 0.6]), torch.tensor([0.5, 0.5])
    # M = 0.4 + |0.5 · 0.4 − 0.5| = 0.7
    torch.testing.assert_close(
        gt.losses.convergence(l_real, l_fake, 0.5), torch.tensor(0.7)
    )
    # at the equilibrium L(G(z)) = γ L(x), M = L(x)
    torch.testing.assert_close(
        gt.losses.convergence(l_real, torch.tensor([0.28, 0.28]), 0.7),
        torch.tensor(0.4),
    )
    # fakes below the target count as much as above
    torch.testing.assert_close(
        gt.losses.convergence(l_real, torch.tensor([0.1, 0.1]), 0.5), torch.tensor(0.5)
    )


def test_step_returns_device_tensors_and_follows_the_equations():
    gt.seed(0)
    G = gt.models.MLPGenerator(4, 2, hidden=16, depth=2)
    D = gt.models.AutoencoderDiscriminator(2, code_dim=2, hidden=16)
    opt_G = torch.optim.Adam(G.parameters(), lr=1e-3)
    opt_D = torch.optim.Adam(D.parameters(), lr=1e-3)
    step = gt.steps.began_step(
        G, D, opt_G, opt_D, gamma=0.5, lambda_k=0.1, eta=1, k_0=0.2
    )
    x = gt.data.ring().sample(32)
    g_before = [p.detach().clone() for p in G.parameters()]
    d_before = [p.detach().clone() for p in D.parameters()]
    torch.manual_seed(1)
    out = step(x)
    assert set(out) == {"D", "G", "k", "M"}
    assert all(v.dim() == 0 and not v.requires_grad for v in out.values())
    torch.testing.assert_close(out["k"], step.k)
    # recompute the losses at the old weights with the same noise
    for p, old in zip(G.parameters(), g_before, strict=True):
        assert not torch.equal(p, old)
        p.data.copy_(old)
    for p, old in zip(D.parameters(), d_before, strict=True):
        assert not torch.equal(p, old)
        p.data.copy_(old)
    torch.manual_seed(1)
    z_D, z_G = torch.randn(32, 4), torch.randn(32, 4)
    with torch.no_grad():
        l_real = gt.losses.began_loss(D, x)
        l_fake_D, l_fake_G = (
            gt.losses.began_loss(D, G(z_D)),
            gt.losses.began_loss(D, G(z_G)),
        )
    torch.testing.assert_close(out["D"], l_real.mean() - 0.2 * l_fake_D.mean())
    torch.testing.assert_close(out["G"], l_fake_G.mean())
    k_1 = 0.2 + 0.1 * (0.5 * l_real.mean() - l_fake_G.mean())
    torch.testing.assert_close(out["k"], k_1.clamp(0, 1))
    M = l_real.mean() + (0.5 * l_real.mean() - l_fake_G.mean()).abs()
    torch.testing.assert_close(out["M"], M)


def test_step_gradients_reach_each_player_only_from_its_own_loss():
    gt.seed(0)
    G = gt.models.MLPGenerator(4, 2, hidden=16, depth=2)
    D = gt.models.AutoencoderDiscriminator(2, code_dim=2, hidden=16)
    opt_G = torch.optim.SGD(G.parameters(), lr=0.0)  # lr 0: only inspect .grad
    opt_D = torch.optim.SGD(D.parameters(), lr=0.0)
    step = gt.steps.began_step(G, D, opt_G, opt_D, gamma=0.5, k_0=0.0)
    x = gt.data.ring().sample(16)
    torch.manual_seed(3)
    step(x)
    grads_D = [p.grad.clone() for p in D.parameters()]
    # with k = 0, L_D = L(x): D's gradient must be that of L(x) alone
    D.zero_grad()
    gt.losses.began_loss(D, x).mean().backward()
    for got, want in zip(grads_D, [p.grad for p in D.parameters()], strict=True):
        torch.testing.assert_close(got, want)
    assert all(p.grad is not None for p in G.parameters())


def test_bad_arguments_give_clear_errors():
    ones = torch.ones(4)
    with pytest.raises(ValueError, match="eta .* must be 1 or 2"):
        gt.losses.reconstruction_loss(torch.zeros(2, 3), torch.zeros(2, 3), eta=3)
    with pytest.raises(ValueError, match="gamma .* must be in \\(0, 1\\]"):
        gt.losses.update_k(torch.tensor(0.0), ones, ones, gamma=1.5, lambda_k=1e-3)
    with pytest.raises(ValueError, match="gamma"):
        gt.losses.convergence(ones, ones, gamma=0.0)
    with pytest.raises(ValueError, match="lambda_k"):
        gt.losses.update_k(torch.tensor(0.0), ones, ones, gamma=0.5, lambda_k=-1.0)
    with pytest.raises(ValueError, match="one reconstruction loss per sample"):
        gt.losses.began_d(torch.ones(4, 1), ones, 0.0)
    with pytest.raises(ValueError, match="same shape"):
        gt.losses.reconstruction_loss(torch.zeros(2, 3), torch.zeros(2, 4))
    G = gt.models.MLPGenerator(4, 2, hidden=8, depth=1)
    D = gt.models.AutoencoderDiscriminator(2, code_dim=2, hidden=8)
    opts = (torch.optim.SGD(G.parameters(), 0.1), torch.optim.SGD(D.parameters(), 0.1))
    with pytest.raises(ValueError, match="gamma"):
        gt.steps.began_step(G, D, *opts, gamma=-0.5)
    with pytest.raises(ValueError, match="eta"):
        gt.steps.began_step(G, D, *opts, eta=0)
    with pytest.raises(ValueError, match="k_0"):
        gt.steps.began_step(G, D, *opts, k_0=1.5)
    with pytest.raises(ValueError, match="AutoencoderDiscriminator expects inputs"):
        gt.losses.began_loss(D, torch.zeros(3, 5))


def _image_run(seed: int, n_snapshots: int = 2):
    gen = torch.Generator().manual_seed(seed)
    snaps = [
        (10 * i, torch.rand(4, 1, 28, 28, generator=gen) * 2 - 1)
        for i in range(n_snapshots)
    ]
    history = gt.train.History()
    history.append(1, {"k": [0.1 * seed, 0.2], "M": [0.5, 0.4 - 0.1 * seed]})
    return snaps, history


def test_runs_explorer_redraws_on_both_sliders():
    from gantutor.widgets import BEGANRunsExplorer

    (a, ha), (b, hb) = _image_run(1), _image_run(2)
    explorer = BEGANRunsExplorer(
        {"γ = 0.5": a, "γ = 1": b},
        {"γ = 0.5": ha, "γ = 1": hb},
        notes={"γ = 0.5": "note"},
        description="γ",
        nrow=2,
    )
    assert explorer.moment.value == 1
    first = explorer.image.value
    assert first[:4] == b"\x89PNG"
    explorer.moment.value = 0
    second = explorer.image.value
    explorer.run.value = "γ = 1"
    assert len({first, second, explorer.image.value}) == 3
    explorer.run.value, explorer.moment.value = "γ = 0.5", 1
    assert explorer.image.value == first  # a drawing depends only on the controls


def test_runs_explorer_refuses_bad_runs():
    from gantutor.widgets import BEGANRunsExplorer

    (a, ha), (b, hb) = _image_run(1), _image_run(2, n_snapshots=3)
    with pytest.raises(ValueError, match="at least one run"):
        BEGANRunsExplorer({}, {})
    with pytest.raises(ValueError, match="same number of snapshots"):
        BEGANRunsExplorer({"a": a, "b": b}, {"a": ha, "b": hb})
    with pytest.raises(ValueError, match="no history"):
        BEGANRunsExplorer({"a": a}, {})
    no_k = gt.train.History()
    no_k.append(1, {"D": [0.0]})
    with pytest.raises(ValueError, match="lacks"):
        BEGANRunsExplorer({"a": a}, {"a": no_k})
