"""gan_step against the plain loop it stands for, and the frozen() helper."""

import copy

import pytest
import torch

import gantutor as gt


def nets(seed=0):
    """A small conv GAN with BatchNorm (running statistics must match too)."""
    torch.manual_seed(seed)
    G = gt.models.DCGANGenerator(8, 28, 1, 4)
    D = gt.models.DCGANDiscriminator(28, 1, 4)
    return (
        G,
        D,
        torch.optim.Adam(G.parameters(), 1e-3),
        torch.optim.Adam(D.parameters(), 1e-3),
    )


def plain_step(G, D, opt_G, opt_D, x, loss):
    """Goodfellow et al.'s Algorithm 1 written out, nothing skipped."""
    z = torch.randn(len(x), G.latent_dim)
    loss_D = loss.d(D(x), D(G(z).detach()))
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    z = torch.randn(len(x), G.latent_dim)
    loss_G = loss.g(D(G(z)))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return loss_D.detach(), loss_G.detach()


def test_gan_step_is_the_plain_loop_bit_for_bit():
    x = torch.rand(3, 8, 1, 28, 28) * 2 - 1
    loss = gt.losses.get("non-saturating")
    G1, D1, oG1, oD1 = nets()
    G2, D2, oG2, oD2 = nets()
    step = gt.steps.gan_step(G2, D2, oG2, oD2, loss)
    for batch in x:
        torch.manual_seed(1)
        expected = plain_step(G1, D1, oG1, oD1, batch, loss)
        torch.manual_seed(1)
        got = step(batch)
        assert torch.equal(got["D"], expected[0])
        assert torch.equal(got["G"], expected[1])
    for a, b in zip(
        [*G1.state_dict().values(), *D1.state_dict().values()],
        [*G2.state_dict().values(), *D2.state_dict().values()],
        strict=True,
    ):
        assert torch.equal(a, b)  # weights and BatchNorm running statistics


def test_generator_update_leaves_no_discriminator_gradients():
    """After a step D's .grad is its own update's gradient, nothing added by G's."""
    G, D, opt_G, opt_D = nets()
    G0, D0 = copy.deepcopy(G), copy.deepcopy(D)  # the weights before the update
    x = torch.rand(8, 1, 28, 28) * 2 - 1
    loss = gt.losses.get("non-saturating")
    torch.manual_seed(0)
    z = torch.randn(8, G.latent_dim)  # the step's first draw
    expected = torch.autograd.grad(
        loss.d(D0(x), D0(G0(z).detach())), list(D0.parameters())
    )
    torch.manual_seed(0)
    gt.steps.gan_step(G, D, opt_G, opt_D, loss)(x)
    for p, g in zip(D.parameters(), expected, strict=True):
        assert torch.equal(p.grad, g)
    assert all(p.requires_grad for p in D.parameters())
    assert all(p.grad is not None for p in G.parameters())


def test_k_is_said_once_the_trainer_draws_k_batches_of_b():
    """gan_step(k=2) over batches of B trains as the step over batches of 2B."""
    x = torch.rand(40, 1, 28, 28) * 2 - 1  # (N, 1, 28, 28)
    G1, D1, oG1, oD1 = nets()
    direct = gt.steps.gan_step(G1, D1, oG1, oD1, k=2)
    torch.manual_seed(1)
    batches = gt.data.TensorBatches(x, 2 * 8)  # k × B, as chapters once wrote
    for _ in range(3):
        direct(next(batches))
    G2, D2, oG2, oD2 = nets()
    step = gt.steps.gan_step(G2, D2, oG2, oD2, k=2)
    assert step.batches_per_step == 2
    torch.manual_seed(1)
    trainer = gt.train.Trainer(
        step,
        gt.data.TensorBatches(x, 8),  # B: k is the step's alone
        modules={"G": G2, "D": D2},
        optimizers={"G": oG2, "D": oD2},
        progress=False,
    )
    trainer.fit(3)
    for a, b in zip(
        [*G1.state_dict().values(), *D1.state_dict().values()],
        [*G2.state_dict().values(), *D2.state_dict().values()],
        strict=True,
    ):
        torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_frozen_restores_each_flag_also_after_an_error():
    D = gt.models.MLPDiscriminator(2, hidden=8, depth=2)
    first = next(D.parameters())
    first.requires_grad_(False)  # a layer the chapter froze itself stays frozen
    flags = [p.requires_grad for p in D.parameters()]
    with pytest.raises(RuntimeError, match="boom"):
        with gt.steps.frozen(D):
            assert not any(p.requires_grad for p in D.parameters())
            raise RuntimeError("boom")
    assert [p.requires_grad for p in D.parameters()] == flags
    out = D(torch.randn(4, 2))
    with gt.steps.frozen(D):
        x = torch.randn(4, 2, requires_grad=True)
        (g,) = torch.autograd.grad(D(x).sum(), x)  # gradients still reach inputs
    assert g.abs().sum() > 0 and out.requires_grad
