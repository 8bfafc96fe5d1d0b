"""Gradient-norm tracking, the BatchNorm coupling matrix, critic snapshots, widget."""

import matplotlib
import pytest
import torch
from torch import nn

import gantutor as gt
from gantutor import penalties
from gantutor.labs import gradients as gp_lab
from gantutor.widgets import NormExplorer


class Shift(nn.Module):
    """G(z) = z + shift: a generator whose samples we know."""

    def __init__(self, shift: float = 0.0):
        super().__init__()
        self.shift = nn.Parameter(torch.tensor(shift))

    def forward(self, z):
        return z + self.shift


class Quadratic(nn.Module):
    """f(x) = ½ ‖x‖² per sample: ‖∇f(x)‖ = ‖x‖."""

    def forward(self, x):
        return 0.5 * x.flatten(1).square().sum(1)  # (B,)


class Trainer:
    step = 0


def _linear(slope: float) -> nn.Linear:
    linear = nn.Linear(2, 1, bias=False)
    with torch.no_grad():
        linear.weight.copy_(torch.tensor([[0.6, 0.8]]) * slope)  # norm = slope
    return linear


def test_norms_on_fixed_probes_match_the_closed_form():
    x_real, z = torch.randn(20, 2), torch.randn(20, 2)
    tracker = gp_lab.GradientNorms(Shift(1.0), Quadratic(), x_real, z, every=1)
    record = tracker.measure(step=7)
    eps = tracker.eps[:, None]
    x_hat = eps * x_real + (1 - eps) * (z + 1.0)
    assert record.step == 7
    torch.testing.assert_close(record.interpolates, x_hat.norm(dim=1))
    torch.testing.assert_close(record.real, x_real.norm(dim=1))
    torch.testing.assert_close(record.fake, (z + 1.0).norm(dim=1))
    assert tracker.eps.std() > 0.1  # one ε per sample, not one for the batch


def test_a_linear_critic_has_its_slope_everywhere():
    tracker = gp_lab.GradientNorms(
        Shift(), _linear(3.0), torch.randn(16, 2), torch.randn(16, 2), every=1
    )
    record = tracker.measure(0)
    for where in gp_lab.WHERE:
        torch.testing.assert_close(record.at(where), torch.full((16,), 3.0))
    with pytest.raises(ValueError, match="where must be one of"):
        record.at("everywhere")


def test_tracking_leaves_the_global_generator_and_modes_alone():
    G, D = Shift(), nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    tracker = gp_lab.GradientNorms(G, D, torch.randn(8, 2), torch.randn(8, 2), 5)
    D.eval()
    state = torch.get_rng_state()
    tracker(Trainer())
    tracker(Trainer())
    assert torch.equal(state, torch.get_rng_state())
    assert G.training and not D.training  # restored as they were
    assert len(tracker.records) == 2
    torch.testing.assert_close(
        tracker.records[0].interpolates, tracker.records[1].interpolates
    )
    assert not any(p.grad is not None for p in D.parameters())
    with pytest.raises(ValueError, match="as many samples"):
        gp_lab.GradientNorms(G, D, torch.randn(8, 2), torch.randn(7, 2), 5)
    with pytest.raises(ValueError, match="every"):
        gp_lab.GradientNorms(G, D, torch.randn(8, 2), torch.randn(8, 2), 0)


def _records(values_per_step):
    return [
        gp_lab.NormRecord(step, torch.tensor(v), torch.tensor(v), torch.tensor(v))
        for step, v in values_per_step
    ]


def test_quantiles_and_late_median():
    records = _records([(0, [5.0, 6.0, 7.0]), (10, [4.0, 5.0, 6.0]),
                        (20, [1.0, 1.0, 1.0]), (30, [1.0, 2.0, 4.0])])  # fmt: skip
    steps, q = gp_lab.norm_quantiles(records, q=(0.0, 0.5, 1.0))
    assert steps.tolist() == [0, 10, 20, 30]
    torch.testing.assert_close(q[:, 1], torch.tensor([6.0, 5.0, 1.0, 2.0]))
    torch.testing.assert_close(q[:, 2], torch.tensor([7.0, 6.0, 1.0, 4.0]))
    assert gp_lab.late_median(records, fraction=0.25) == 2.0  # the last record
    assert gp_lab.late_median(records, fraction=0.5) == 1.0  # the last two, pooled
    assert gp_lab.late_median(records, fraction=1.0) == 4.0  # all 12, lower middle
    with pytest.raises(ValueError, match="fraction"):
        gp_lab.late_median(records, fraction=0.0)
    with pytest.raises(ValueError, match="at least one"):
        gp_lab.late_median([])


def test_only_batchnorm_couples_the_samples():
    torch.manual_seed(0)
    x = torch.randn(6, 3)
    plain = nn.Sequential(nn.Linear(3, 8), nn.LeakyReLU(0.2), nn.Linear(8, 1))
    layer = nn.Sequential(nn.Linear(3, 8), nn.LayerNorm(8), nn.Linear(8, 1))
    batch = nn.Sequential(nn.Linear(3, 8), nn.BatchNorm1d(8), nn.Linear(8, 1))
    off = ~torch.eye(6, dtype=torch.bool)
    for critic in (plain, layer):
        m = gp_lab.cross_sample_gradients(lambda v, c=critic: c(v).squeeze(1), x)
        torch.testing.assert_close(m[off], torch.zeros(30))
        torch.testing.assert_close(
            m.diagonal(),
            penalties.gradient_norms(lambda v, c=critic: c(v).squeeze(1), x),
        )
    m = gp_lab.cross_sample_gradients(lambda v: batch(v).squeeze(1), x)
    assert (m[off] > 1e-3).all()
    batch.eval()  # running statistics: the samples are independent again
    m = gp_lab.cross_sample_gradients(lambda v: batch(v).squeeze(1), x)
    torch.testing.assert_close(m[off], torch.zeros(30))


def test_figures_are_drawn():
    records = _records([(s, torch.rand(50).tolist()) for s in range(0, 50, 10)])
    fig = gt.widgets.gradients.norms_figure({"a": records, "b": records})
    assert isinstance(fig, matplotlib.figure.Figure) and len(fig.axes) == 2
    assert gt.viz.to_png(fig)[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="at least one"):
        gt.widgets.gradients.norms_figure({})


def test_explorer_controls_redraw():
    runs = {
        "λ = 10": _records([(s, (1 + torch.rand(40)).tolist()) for s in (0, 5, 10)]),
        "λ = 0": _records([(s, (5 * torch.rand(40)).tolist()) for s in (0, 5, 10)]),
    }
    explorer = NormExplorer(runs, targets={"λ = 0": None}, description="λ")
    assert explorer.moment.value == 2
    first = explorer.image.value
    assert first[:4] == b"\x89PNG"
    explorer.moment.value = 0
    second = explorer.image.value
    explorer.run.value = "λ = 0"
    third = explorer.image.value
    explorer.where.value = "real"
    assert len({first, second, third, explorer.image.value}) == 4
    histogram, quantiles = explorer.draw(*explorer.setting).axes
    assert histogram.get_title() == "λ = 0 · step 0"
    assert quantiles.get_title() == "‖∇D‖ at the real samples"
    explorer.run.value, explorer.where.value = "λ = 10", "interpolates"
    explorer.moment.value = 2
    assert explorer.image.value == first  # a drawing depends only on the controls


def test_explorer_refuses_bad_runs():
    records = _records([(0, [1.0, 2.0])])
    with pytest.raises(ValueError, match="at least one run"):
        NormExplorer({})
    with pytest.raises(ValueError, match="at least one run"):
        NormExplorer({"a": []})
    with pytest.raises(ValueError, match="same number"):
        NormExplorer({"a": records, "b": records * 2})
    with pytest.raises(ValueError, match="where"):
        NormExplorer({"a": records}, where="nowhere")
