import pytest
import torch

import gantutor as gt
from gantutor.train.callbacks import snapshot_2d


@pytest.fixture(scope="module")
def snapshots():
    gt.seed(0)
    G = gt.models.MLPGenerator(2, 2, hidden=16, depth=2)
    D = gt.models.MLPDiscriminator(2, hidden=16, depth=2)
    z = torch.randn(50, 2)
    out = [snapshot_2d(G, D, z, step=0, resolution=20)]
    with torch.no_grad():
        for p in G.parameters():
            p.add_(0.5)
    out.append(snapshot_2d(G, D, z, step=100, resolution=20))
    return out


def _titles(explorer) -> list[str]:
    """The titles of the figure the explorer shows for its controls' values."""
    return [ax.get_title() for ax in explorer.draw(*explorer.setting).axes]


def test_training_explorer_slider_redraws(snapshots):
    explorer = gt.widgets.TrainingExplorer(
        snapshots, gt.data.ring().sample(100), title="run"
    )
    assert explorer.slider.max == 1 and explorer.slider.value == 1
    last = explorer.image.value
    assert last[:4] == b"\x89PNG" and _titles(explorer) == ["run · step 100"]
    explorer.slider.value = 0
    assert explorer.image.value != last and _titles(explorer) == ["run · step 0"]
    explorer.slider.value = 1
    assert explorer.image.value == last  # drawing is a function of the snapshot
    with pytest.raises(ValueError, match="at least one snapshot"):
        gt.widgets.TrainingExplorer([])


def test_snapshot_arrows_point_where_the_generator_loss_decreases(snapshots):
    snap = snapshots[0]
    assert snap.x_fake.shape == snap.push.shape == (50, 2)
    assert snap.surface.shape == (20, 20)
    assert ((snap.surface >= 0) & (snap.surface <= 1)).all()


def test_mse_explorer_controls_redraw():
    digit = torch.full((1, 28, 28), -1.0)
    digit[0, 6:22, 9:12] = 1.0  # a "1"
    calls = []

    def score(x):
        calls.append(len(x))
        return x.flatten(1).mean(1).add(1).div(2)  # ink share: any learned score works

    explorer = gt.widgets.MSEExplorer(digit, score, max_pixels=40)
    assert (
        set(explorer.curves) == set(gt.labs.edits.KINDS) and calls
    )  # curves precomputed
    mse_thick, _ = explorer.curves["thicken"]
    for kind in gt.labs.edits.KINDS:  # MSE is the same for every kind of edit
        torch.testing.assert_close(
            torch.as_tensor(explorer.curves[kind][0]), torch.as_tensor(mse_thick)
        )
    first = explorer.image.value
    explorer.n.value = 20
    second = explorer.image.value
    explorer.kind.value = "bar"
    assert len({first, second, explorer.image.value}) == 3
    assert _titles(explorer)[0].startswith("bar: 20 pixels\nMSE ")


def test_animation_plays_without_a_kernel(snapshots):
    html = gt.viz.animate(snapshots, gt.viz.draw_snapshot).data
    assert "<script" in html and html.count("data:image/png;base64") >= 2


def test_figures(snapshots):
    history = gt.train.History()
    history.append(1, {"D": [1.0, 0.9, 0.8], "G": [0.7, 0.8, 0.9]})
    fig = gt.viz.loss_curves(history)
    assert [
        line.get_label()
        for line in fig.axes[0].lines
        if not line.get_label().startswith("_")
    ] == ["D", "G"]
    grid = gt.viz.sample_grid(torch.zeros(4, 1, 28, 28), nrow=2)
    assert gt.viz.to_png(grid)[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match=r"\(B, C, H, W\)"):
        gt.viz.sample_grid(torch.zeros(28, 28))


def test_score_surface_is_the_centred_critic_output():
    class Critic(torch.nn.Module):  # f(x, y) = 3x: a linear critic
        def forward(self, x):
            return 3 * x[:, :1]

    G = gt.models.MLPGenerator(2, 2, hidden=8, depth=1)
    z = torch.randn(10, 2)
    snap = snapshot_2d(
        G, Critic(), z, loss="wasserstein", lim=2.0, resolution=5, surface="score"
    )
    ticks = torch.linspace(-2.0, 2.0, 5)
    torch.testing.assert_close(snap.surface, (3 * ticks).expand(5, 5))  # rows along y
    torch.testing.assert_close(snap.push, torch.tensor([3.0, 0.0]).expand(10, 2))
    assert snap.kind == "score"
    fig, (ax,) = gt.viz.figure()
    gt.viz.draw_snapshot(ax, snap)  # a symmetric colour scale, no error
    with pytest.raises(ValueError, match="unknown surface"):
        gt.train.callbacks.Snapshots2D(G, Critic(), z, every=1, surface="logit")
