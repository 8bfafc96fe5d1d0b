"""WGAN: Algorithm 1's step, clipping, the critic's estimate and weight statistics."""

import math

import pytest
import torch
from torch import nn

import gantutor as gt
from gantutor import penalties
from gantutor.widgets import WeightHistograms


class ShiftGenerator(nn.Module):
    """G(z) = shift, whatever z: its samples are known in advance."""

    def __init__(self, shift, latent_dim: int = 3):
        super().__init__()
        self.latent_dim = latent_dim
        self.shift = nn.Parameter(torch.as_tensor(shift, dtype=torch.float32))

    def forward(self, z):
        return self.shift.expand(len(z), -1) + 0 * z[:, :1]  # (B, d)


def linear_critic(a, b: float = 0.0) -> nn.Linear:
    """f(x) = a·x + b."""
    D = nn.Linear(len(a), 1)
    with torch.no_grad():
        D.weight.copy_(torch.tensor([a]))
        D.bias.fill_(b)
    return D


class Flat(nn.Module):
    def __init__(self, module):
        super().__init__()
        self.module = module

    def forward(self, x):
        return self.module(x).squeeze(1)  # (B,)


def frozen(*modules):
    return [torch.optim.SGD(m.parameters(), lr=0.0) for m in modules]


def test_w_and_losses_equal_the_closed_form_of_a_linear_critic():
    G = ShiftGenerator([1.0, -2.0])
    D = Flat(linear_critic([0.5, 0.25], b=0.3))
    step = gt.steps.critic_step(G, D, *frozen(G, D), n_critic=3)
    x_real = torch.randn(12, 2)
    out = step(x_real)
    last = x_real[8:]  # the last of 3 chunks of 4
    a, shift = torch.tensor([0.5, 0.25]), torch.tensor([1.0, -2.0])
    expected_w = (last.mean(0) - shift) @ a  # E f(x_real) − E f(x_fake)
    torch.testing.assert_close(out["W"], expected_w)
    torch.testing.assert_close(out["D"], -expected_w)  # no penalty: loss_D = −W
    torch.testing.assert_close(out["G"], -(shift @ a + 0.3))  # −E f(G(z))
    assert all(v.dim() == 0 and not v.requires_grad for v in out.values())


def test_a_wrong_w_would_fail():  # the check above can tell W from −W or a mean
    G = ShiftGenerator([1.0, -2.0])
    D = Flat(linear_critic([0.5, 0.25]))
    x_real = torch.randn(12, 2)
    w = gt.steps.critic_step(G, D, *frozen(G, D), n_critic=3)(x_real)["W"]
    whole_batch = (x_real.mean(0) - torch.tensor([1.0, -2.0])) @ torch.tensor(
        [0.5, 0.25]
    )
    assert not torch.isclose(w, -w) and not torch.isclose(w, whole_batch)


def test_clipping_keeps_every_parameter_in_the_box():
    torch.manual_seed(0)
    G = gt.models.MLPGenerator(4, 2, hidden=16, depth=2)
    D = gt.models.MLPDiscriminator(2, hidden=16, depth=2)
    with torch.no_grad():
        for p in D.parameters():
            p.mul_(50)  # far outside the box
    opt_G = torch.optim.RMSprop(G.parameters(), lr=5e-5)
    opt_D = torch.optim.RMSprop(D.parameters(), lr=1e-1)
    c = 0.01
    gt.steps.critic_step(G, D, opt_G, opt_D, n_critic=2, clip=c)(torch.randn(16, 2))
    w = gt.labs.weights.flat_weights(D)
    assert w.abs().max() <= c
    assert gt.labs.weights.share_at_bound(D, c) > 0.5  # the large weights sit at ±c
    # without clipping the same step leaves them outside
    gt.steps.critic_step(G, D, opt_G, opt_D, n_critic=1)(torch.randn(8, 2))
    assert gt.labs.weights.flat_weights(D).abs().max() > c


def test_n_critic_critic_updates_per_generator_update():
    torch.manual_seed(0)
    G = gt.models.MLPGenerator(4, 2, hidden=8, depth=1)
    D = gt.models.MLPDiscriminator(2, hidden=8, depth=1)
    opt_G = torch.optim.RMSprop(G.parameters(), lr=1e-3)
    opt_D = torch.optim.RMSprop(D.parameters(), lr=1e-3)
    counts = {"G": 0, "D": 0}
    opt_G.register_step_post_hook(lambda *_: counts.__setitem__("G", counts["G"] + 1))
    opt_D.register_step_post_hook(lambda *_: counts.__setitem__("D", counts["D"] + 1))
    sizes = []
    D.register_forward_pre_hook(lambda _, args: sizes.append(len(args[0])))
    step = gt.steps.critic_step(G, D, opt_G, opt_D, n_critic=5, clip=0.01)
    for _ in range(3):
        step(torch.randn(5 * 7, 2))
    assert counts == {"G": 3, "D": 15}
    assert set(sizes) == {7}  # every critic pass sees one chunk of B = 7


def test_penalty_is_added_and_reaches_the_critic():
    G = ShiftGenerator([1.0, -2.0])
    D = Flat(linear_critic([0.5, 0.25]))
    seen = []

    def penalty(D_, x_real, x_fake):
        seen.append((D_, x_real.shape, x_fake.shape))
        return torch.tensor(3.0)

    x_real = torch.randn(8, 2)
    out = gt.steps.critic_step(G, D, *frozen(G, D), n_critic=2, penalty=penalty)(x_real)
    torch.testing.assert_close(out["D"], -out["W"] + 3.0)
    assert seen == [(D, (4, 2), (4, 2))] * 2

    def after_one_step(lambda_gp: float) -> torch.Tensor:
        torch.manual_seed(0)
        D = Flat(linear_critic([0.5, 0.25]))
        opt_D = torch.optim.SGD(D.parameters(), lr=0.1)
        gp = lambda D, xr, xf: lambda_gp * penalties.gradient_penalty(D, xr, xf)  # noqa: E731
        gt.steps.critic_step(G, D, frozen(G)[0], opt_D, n_critic=1, penalty=gp)(x_real)
        return gt.labs.weights.flat_weights(D)

    assert not torch.allclose(after_one_step(0.0), after_one_step(10.0))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(n_critic=0), "n_critic"),
        (dict(n_critic=2.5), "n_critic"),
        (dict(n_critic=True), "n_critic"),
        (dict(clip=0.0), "clip"),
        (dict(clip=-0.01), "clip"),
        (dict(clip=math.nan), "clip"),
        (dict(penalty="gp"), "penalty must be a callable"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    G = ShiftGenerator([0.0, 0.0])
    D = Flat(linear_critic([1.0, 0.0]))
    with pytest.raises(ValueError, match=match):
        gt.steps.critic_step(G, D, *frozen(G, D), **kwargs)


def test_a_batch_that_does_not_split_is_refused():
    G = ShiftGenerator([0.0, 0.0])
    D = Flat(linear_critic([1.0, 0.0]))
    step = gt.steps.critic_step(G, D, *frozen(G, D), n_critic=5)
    with pytest.raises(ValueError, match="does not split into n_critic=5"):
        step(torch.randn(12, 2))


def test_the_step_trains_under_the_trainer():
    torch.manual_seed(0)
    G = gt.models.MLPGenerator(4, 2, hidden=16, depth=2)
    D = gt.models.MLPDiscriminator(2, hidden=16, depth=2)
    opt_G = torch.optim.RMSprop(G.parameters(), lr=5e-5)
    opt_D = torch.optim.RMSprop(D.parameters(), lr=5e-5)
    inner = gt.steps.critic_step(G, D, opt_G, opt_D, clip=0.01)  # n_critic = 5
    assert inner.batches_per_step == 5
    sizes = []

    def step(x_real):
        sizes.append(len(x_real))
        return inner(x_real)

    step.batches_per_step = inner.batches_per_step
    trainer = gt.train.Trainer(
        step,
        gt.data.MixtureBatches(gt.data.ring(), 16),  # B = 16: n_critic said once
        modules={"G": G, "D": D},
        optimizers={"G": opt_G, "D": opt_D},
        log_every=5,
        progress=False,
    )
    history = trainer.fit(10)
    assert sizes == [5 * 16] * 10  # one batch of B per critic update
    assert set(history.losses) == {"D", "G", "W"} and len(history.steps) == 10
    assert gt.labs.weights.flat_weights(D).abs().max() <= 0.01


def test_weight_statistics_on_a_hand_made_module():
    m = nn.Linear(4, 1)
    with torch.no_grad():
        m.weight.copy_(torch.tensor([[0.1, -0.1, 0.0, 0.05]]))
        m.bias.fill_(0.0995)  # within 1 % of c
    assert gt.labs.weights.share_at_bound(m, 0.1) == pytest.approx(3 / 5)
    assert gt.labs.weights.share_at_bound(m, 0.1, tol=0.0) == pytest.approx(2 / 5)
    snap = gt.labs.weights.weight_snapshot(m, 0.1, step=7, bins=4)
    torch.testing.assert_close(snap.counts, torch.tensor([1.0, 0.0, 1.0, 3.0]))
    torch.testing.assert_close(snap.edges, torch.tensor([-0.1, -0.05, 0.0, 0.05, 0.1]))
    assert snap.step == 7 and snap.at_bound == pytest.approx(0.6)
    with pytest.raises(ValueError, match="no parameters"):
        gt.labs.weights.flat_weights(nn.ReLU())
    with pytest.raises(ValueError, match="bins"):
        gt.labs.weights.weight_snapshot(m, 0.1, bins=1)
    with pytest.raises(ValueError, match="c > 0"):
        gt.labs.weights.share_at_bound(m, 0.0)


def test_weight_snapshots_callback_and_widget_redraw():
    torch.manual_seed(0)
    D = gt.models.MLPDiscriminator(2, hidden=8, depth=1)
    callback = gt.labs.weights.WeightSnapshots(D, c=0.1, every=1, bins=11)

    class FakeTrainer:
        step = 0

    for step in (0, 5):
        FakeTrainer.step = step
        callback(FakeTrainer)
        penalties.clip_weights(D, 0.05 if step == 0 else 0.1)
        with torch.no_grad():
            for p in D.parameters():
                p.mul_(3)
    assert [s.step for s in callback.snapshots] == [0, 5]
    widget = WeightHistograms(callback.snapshots, title="critic")
    assert widget.slider.value == 1
    first = widget.image.value
    assert first[:4] == b"\x89PNG"
    widget.slider.value = 0
    assert widget.image.value != first
    widget.slider.value = 1
    assert widget.image.value == first
    with pytest.raises(ValueError, match="at least one snapshot"):
        WeightHistograms([])


def test_empirical_w1_closed_forms():
    torch.manual_seed(0)
    x = torch.randn(50, 2)
    v = torch.tensor([3.0, 4.0])
    assert gt.metrics.empirical_w1(x, x + v) == pytest.approx(5.0)  # a shift by |v| = 5
    a, b = torch.randn(40, 1), 2 * torch.randn(40, 1) + 1
    sorted_match = (a.sort(0).values - b.sort(0).values).abs().mean()
    assert gt.metrics.empirical_w1(a, b) == pytest.approx(float(sorted_match))
    assert gt.metrics.empirical_w1(x, x[torch.randperm(50)]) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="same shape"):
        gt.metrics.empirical_w1(x, x[:10])


def test_critic_step_is_algorithm_1_written_out_bit_for_bit():
    """n_critic penalised and clipped critic updates, then G's: nothing skipped
    changes a number, and the critic's .grad is its last update's only."""

    def pair():
        torch.manual_seed(0)
        G = gt.models.MLPGenerator(4, 2, hidden=16, depth=2)
        D = gt.models.MLPDiscriminator(2, hidden=16, depth=2)
        return (
            G,
            D,
            torch.optim.Adam(G.parameters(), 1e-2),
            torch.optim.Adam(D.parameters(), 1e-2),
        )

    def penalty(D, x_real, x_fake):
        return 10 * penalties.gradient_penalty(D, x_real, x_fake)

    x = torch.randn(2, 3 * 8, 2)  # two steps of n_critic = 3 chunks of 8
    G1, D1, oG1, oD1 = pair()
    G2, D2, oG2, oD2 = pair()
    step = gt.steps.critic_step(G2, D2, oG2, oD2, n_critic=3, clip=0.5, penalty=penalty)
    for batch in x:
        torch.manual_seed(1)
        for chunk in batch.chunk(3):
            z = torch.randn(8, G1.latent_dim)
            fake = G1(z).detach()
            loss_D = gt.losses.wasserstein_d(D1(chunk), D1(fake))
            loss_D = loss_D + penalty(D1, chunk, fake)
            oD1.zero_grad()
            loss_D.backward()
            oD1.step()
            penalties.clip_weights(D1, 0.5)
        grads = [p.grad.clone() for p in D1.parameters()]
        loss_G = gt.losses.wasserstein_g(D1(G1(torch.randn(8, G1.latent_dim))))
        oG1.zero_grad()
        loss_G.backward()
        oG1.step()
        torch.manual_seed(1)
        out = step(batch)
        assert torch.equal(out["D"], loss_D.detach())
        assert torch.equal(out["G"], loss_G.detach())
        for p, g in zip(D2.parameters(), grads, strict=True):
            assert torch.equal(p.grad, g)
    for a, b in zip(
        [*G1.parameters(), *D1.parameters()],
        [*G2.parameters(), *D2.parameters()],
        strict=True,
    ):
        assert torch.equal(a, b)
