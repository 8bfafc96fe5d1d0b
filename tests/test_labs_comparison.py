import math

import pytest
import torch

import gantutor as gt
from gantutor.labs import comparison as cmp


def _tiny(name: str):
    gt.seed(0)
    G = gt.models.MLPGenerator(4, 2, hidden=16, depth=2)
    if cmp.recipe(name).autoencoder:
        return G, gt.models.AutoencoderDiscriminator(2, code_dim=2, hidden=16)
    return G, gt.models.MLPDiscriminator(2, hidden=16, depth=2)


@pytest.mark.parametrize("dataset", cmp.DATASETS)
@pytest.mark.parametrize("name", list(cmp.RECIPES))
def test_every_recipe_builds_and_runs_two_steps(name, dataset):
    G, D = _tiny(name)
    step, opt_G, opt_D = cmp.build(name, G, D, dataset)
    before = [p.clone() for p in G.parameters()]
    for _ in range(2):
        x_real = gt.data.grid().sample(getattr(step, "batches_per_step", 1) * 8)
        out = step(x_real)
        assert {"D", "G"} <= out.keys()
        assert all(torch.isfinite(v) and v.dim() == 0 for v in out.values())
    assert any((a != b).any() for a, b in zip(before, G.parameters(), strict=True))


def test_optimisers_are_the_chapters_scaled():
    G, D = _tiny("wgan")
    _, opt_G, opt_D = cmp.build("wgan", G, D, "grid", lr_scale=2.0)
    assert isinstance(opt_D, torch.optim.RMSprop)
    assert opt_G.param_groups[0]["lr"] == pytest.approx(1e-4)
    G, D = _tiny("hinge")
    _, opt_G, opt_D = cmp.build("hinge", G, D, "mnist", lr_scale=0.5)
    assert opt_D.param_groups[0]["betas"] == (0.0, 0.9)
    assert opt_G.param_groups[0]["lr"] == pytest.approx(5e-5)
    assert opt_D.param_groups[0]["lr"] == pytest.approx(2e-4)
    with pytest.raises(ValueError, match="lr_scale"):
        cmp.build("hinge", G, D, "grid", lr_scale=0.0)


def test_unknown_names_raise_and_list_the_known():
    with pytest.raises(ValueError, match="known losses: minimax, non-saturating"):
        cmp.recipe("wgan-div")
    G, D = _tiny("minimax")
    with pytest.raises(ValueError, match="dataset must be one of"):
        cmp.build("minimax", G, D, "cifar")


def test_every_loss_gets_the_same_generator():
    G_mlp, D_mlp = cmp.networks("non-saturating", "grid", seed=3)
    G_ae, D_ae = cmp.networks("began", "grid", seed=3)
    for a, b in zip(G_mlp.parameters(), G_ae.parameters(), strict=True):
        torch.testing.assert_close(a, b)
    assert isinstance(D_ae, gt.models.AutoencoderDiscriminator)
    n_mlp, n_ae = (gt.models.count_parameters(d) for d in (D_mlp, D_ae))
    assert abs(n_ae - n_mlp) < 0.05 * n_mlp  # about as big on the grid


def test_grid_scores_on_known_inputs():
    grid = gt.data.grid()
    gt.seed(0)
    modes, quality = cmp.grid_scores(grid.sample(5000))
    assert modes == 25  # within 3 std in 2-D: P = 1 − exp(−9/2) (Rayleigh)
    assert quality == pytest.approx(1 - math.exp(-4.5), abs=0.006)
    point = grid.centres[7].expand(100, 2)  # a point mass on one mode
    assert cmp.grid_scores(point) == (1, 1.0)
    assert cmp.grid_scores(torch.full((10, 2), math.nan)) == (0, 0.0)
    with pytest.raises(ValueError, match=r"\(n, 2\)"):
        cmp.grid_scores(torch.zeros(10, 3))


def test_class_coverage_counts_classes_above_the_share():
    eye = torch.eye(10)
    assert cmp.class_coverage(eye.repeat(5, 1)) == 10
    assert cmp.class_coverage(eye[[3] * 50]) == 1
    logits = torch.cat([eye[[0] * 97], eye[[1] * 3]])  # class 1: 3 %
    assert cmp.class_coverage(logits) == 2
    assert cmp.class_coverage(logits, min_share=0.05) == 1
    with pytest.raises(ValueError, match="min_share"):
        cmp.class_coverage(logits, min_share=0.0)


def test_image_scores_real_digits_against_a_point_mass():
    mnist = gt.data.mnist("train", n=1000, download=False)
    test = gt.data.mnist("test", n=600, download=False)
    reference = cmp.reference_statistics(mnist.x)
    fid_real, classes_real = cmp.image_scores(test.x, reference)
    fid_one, classes_one = cmp.image_scores(test.x[:1].expand(600, -1, -1, -1),
                                            reference)
    assert classes_real == 10 and classes_one == 1
    assert fid_real < 0.1 * fid_one
    assert cmp.image_scores(torch.full((4, 1, 28, 28), math.nan), reference) == (
        math.inf, 0)


def test_spread_and_reliability_on_hand_made_runs():
    s = cmp.spread([5, 1, 3, 2, 4])
    assert (s.median, s.q1, s.q3, s.low, s.high, s.n) == (3, 2, 4, 1, 5, 5)
    assert s.iqr == 2 and cmp.spread([7.0]).iqr == 0
    with pytest.raises(ValueError, match="at least one"):
        cmp.spread([])
    x = torch.zeros(1, 2)
    runs = [cmp.Run("a", s, r, score, 0.0, x, True, 0.1)
            for s, r, score in [(0, 1.0, 20), (1, 1.0, 10), (0, 3.0, 25)]]
    runs.append(cmp.Run("b", 0, 1.0, 0, 0.0, x, False, 0.1))
    assert cmp.reliability(runs, 20) == {"a": 2 / 3, "b": 0.0}
    assert cmp.reliability(runs, 10, higher=False) == {"a": 1 / 3, "b": 1.0}
    assert list(cmp.by_loss(runs, lr_scale=1.0)) == ["a", "b"]
    assert len(cmp.by_loss(runs, lr_scale=3.0)["a"]) == 1


def test_grid_run_trains_and_scores_one_run():
    run = cmp.grid_run("non-saturating", seed=0, n_steps=3, n_eval=600)
    assert run.finite and run.sample.shape == (500, 2)
    assert 0 <= run.score <= 25 and 0 <= run.extra <= 1 and run.seconds > 0


def test_spread_keeps_diverged_runs_last():
    s = cmp.spread([10.0, math.inf, 20.0, math.inf])
    assert s.median == math.inf and s.q1 == pytest.approx(17.5) and s.q3 == math.inf
    assert cmp.spread([math.inf, math.inf]).iqr == 0
