import math

import pytest
import torch

import gantutor as gt
from gantutor.labs import defects as lab


def labelled_images(n_per_class: int = 20, n_classes: int = 10):
    y = torch.arange(n_classes).repeat_interleave(n_per_class)  # (N,)
    x = (y.float() / n_classes * 2 - 1).view(-1, 1, 1, 1).expand(-1, 1, 4, 4)
    return x.clone(), y


def test_drop_classes_keeps_the_last_classes_without_replacement():
    x, y = labelled_images()
    for k in (0, 3, 9):
        x_fake = lab.drop_classes(x, y, k, n=15, seed=1)
        labels = ((x_fake[:, 0, 0, 0] + 1) / 2 * 10).round().long()
        assert len(x_fake) == 15 and labels.min() >= k
    torch.testing.assert_close(
        lab.drop_classes(x, y, 3, n=15, seed=1), lab.drop_classes(x, y, 3, n=15, seed=1)
    )
    rows = lab.subsample(torch.arange(50.0)[:, None], 50, seed=2)
    assert sorted(rows.flatten().tolist()) == list(range(50))  # a permutation
    with pytest.raises(ValueError, match="only 20 images"):
        lab.drop_classes(x, y, 9, n=21)
    with pytest.raises(ValueError, match="k must be between 0 and 9"):
        lab.drop_classes(x, y, 10, n=1)


def test_blur_keeps_the_range_and_the_mass_and_spreads_a_point():
    x = torch.full((1, 1, 15, 15), -1.0)
    x[0, 0, 7, 7] = 1.0
    torch.testing.assert_close(lab.gaussian_blur(x, 0), x)
    blurred = lab.gaussian_blur(x, 1.0)
    assert blurred.min() >= -1 and blurred.max() <= 1
    torch.testing.assert_close(blurred.sum(), x.sum())  # mass kept away from borders
    # The centre keeps the weight of the middle tap of a normalised 7-tap kernel.
    taps = torch.exp(-(torch.arange(-3.0, 4.0) ** 2) / 2)
    centre = -1 + 2 * float(taps[3] / taps.sum()) ** 2
    assert float(blurred[0, 0, 7, 7]) == pytest.approx(centre, abs=1e-5)
    with pytest.raises(ValueError, match="sigma"):
        lab.gaussian_blur(x, -1.0)


def test_uniform_noise_fills_the_range():
    x = lab.uniform_noise(200, seed=3)
    assert x.shape == (200, 1, 28, 28) and -1 <= x.min() and x.max() <= 1
    assert float(x.mean()) == pytest.approx(0.0, abs=0.01)
    torch.testing.assert_close(x, lab.uniform_noise(200, seed=3))


def test_evaluate_a_set_against_itself():
    f = torch.randn(300, 8).double()
    result = lab.evaluate(f, f.clone(), which=("FID", "precision", "recall", "NDB"))
    assert list(result) == ["FID", "precision", "recall", "NDB"]
    assert result["FID"] == pytest.approx(0.0, abs=1e-9)
    assert (result["precision"], result["recall"], result["NDB"]) == (1.0, 1.0, 0.0)


def test_evaluate_sees_a_shift_and_needs_an_extractor_for_is():
    f_real, f_fake = torch.randn(400, 4), torch.randn(400, 4) + 3.0
    result = lab.evaluate(f_real, f_fake, which=("FID", "KID", "recall"))
    assert result["FID"] == pytest.approx(4 * 9.0, rel=0.1)  # ‖Δμ‖², same covariance
    assert result["KID"] > 0 and result["recall"] < 0.1
    with pytest.raises(ValueError, match="IS needs the extractor"):
        lab.evaluate(f_real, f_fake, which=("IS",))
    with pytest.raises(ValueError, match="unknown metrics"):
        lab.evaluate(f_real, f_fake, which=("FD",))


def test_evaluate_is_uses_the_extractor_head():
    extractor = gt.metrics.extractor("mnist-cnn")
    f = torch.rand(50, extractor.dim)
    with torch.no_grad():
        expected = gt.metrics.inception_score(extractor.logits(f), splits=10)[0]
    assert lab.evaluate(f, f, extractor, which=("IS",))["IS"] == pytest.approx(expected)


def test_points_of_a_ring_with_alternate_modes_dropped():
    gt.seed(0)
    dist = gt.data.ring()
    half = lab.keep_modes(dist, [0, 2, 4, 6])
    x_real, x_fake = dist.sample(2_000), half.sample(1_000)
    result = lab.evaluate_points(dist, x_real, x_fake)
    assert list(result) == list(lab.POINT_METRICS)
    assert result["modes"] == 4.0
    # A 2-D Gaussian puts 1 − exp(−9/2) of its mass within 3σ of its centre.
    assert result["high quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.01)
    assert result["precision"] > 0.95
    assert result["recall"] == pytest.approx(0.5, abs=0.05)
    assert result["NDB"] >= 4  # bins of the four missing modes
    # Same mean and covariance as the full ring: the Fréchet distance cannot see it.
    assert result["FID"] < 0.05
    with pytest.raises(ValueError, match="non-empty list of modes"):
        lab.keep_modes(dist, [8])


def test_sample_size_sweep_shapes_and_the_bias_of_fid():
    f_pool, f_ref = torch.randn(600, 8), torch.randn(600, 8)
    ns = [30, 100, 600]
    values = lab.sample_size_sweep(f_pool, f_ref, ns, repeats=3, which=("FID", "KID"))
    assert set(values) == {"FID", "KID"}
    assert values["FID"].shape == values["KID"].shape == (3, 3)
    fid = values["FID"].mean(1)
    assert fid[0] > fid[1] > fid[2]  # the estimate falls as n grows
    # n = 600 is the whole pool: every repeat sees the same set.
    assert values["FID"][2].std() == pytest.approx(0.0, abs=1e-9)
    assert math.isfinite(values["KID"].sum())
