"""The sliced Wasserstein distance of patches: closed forms and what it sees."""

import math

import pytest
import torch
from torch.testing import assert_close

from gantutor.data import pyramid as P
from gantutor.labs import pyramid as lab


def test_directions_are_unit_vectors():
    theta = lab.directions(5, 100, torch.Generator().manual_seed(0))
    assert theta.shape == (100, 5)
    assert_close(theta.norm(dim=1), torch.ones(100, dtype=torch.float64))


def test_a_shifted_cloud_is_at_the_mean_projected_shift():
    # W_1 in 1-D between a sample and the same sample moved by c is |c|, so
    # SW_1(a, a + v) = mean over θ of |θ · v|, for any a.
    g = torch.Generator().manual_seed(0)
    a, v = torch.randn(300, 3, generator=g), torch.tensor([0.5, -1.0, 2.0])
    theta = lab.directions(3, 50, g)
    expected = (theta @ v.double()).abs().mean().item()
    assert lab.sliced_wasserstein(a, a + v, theta) == pytest.approx(expected)
    assert lab.sliced_wasserstein(a, a, theta) == 0


def test_over_many_directions_it_tends_to_the_spherical_average():
    # E|θ · v| = ‖v‖ Γ(d/2) / (√π Γ((d + 1)/2)); 2/π ‖v‖ in two dimensions.
    a, v = torch.zeros(10, 2), torch.tensor([3.0, 4.0])
    theta = lab.directions(2, 20_000, torch.Generator().manual_seed(1))
    swd = lab.sliced_wasserstein(a, a + v, theta)
    assert swd == pytest.approx(5 * 2 / math.pi, rel=0.02)


def test_it_is_symmetric_and_ignores_the_order_of_the_samples():
    g = torch.Generator().manual_seed(2)
    a, b = torch.randn(64, 4, generator=g), torch.rand(64, 4, generator=g)
    theta = lab.directions(4, 32, g)
    d = lab.sliced_wasserstein(a, b, theta)
    assert d == pytest.approx(lab.sliced_wasserstein(b, a, theta))
    assert d == pytest.approx(lab.sliced_wasserstein(a[torch.randperm(64)], b, theta))


def test_patches_are_windows_of_the_images():
    x = torch.arange(2 * 3 * 8 * 8, dtype=torch.float32).view(2, 3, 8, 8)
    p = lab.patches(x, 3, 5, torch.Generator().manual_seed(0))
    assert p.shape == (10, 27)
    windows = torch.nn.functional.unfold(x, 3)  # (2, 27, 36) every window
    for i, row in enumerate(p):
        assert (windows[i // 5].T == row).all(dim=1).any()  # from its own image


def test_identical_sets_score_zero_and_blur_shows_at_the_finest_level():
    g = torch.Generator().manual_seed(3)
    x = torch.rand(40, 3, 32, 32, generator=g) * 2 - 1
    assert lab.pyramid_swd(x, x, 2) == [0.0, 0.0, 0.0]
    blurred = P.upsample(P.downsample(x))  # the finest band removed
    swd = lab.pyramid_swd(x, blurred, 2)
    assert len(swd) == 3 and swd[0] > 3 * swd[2]


def test_unequal_sets_raise():
    with pytest.raises(ValueError, match="as many"):
        lab.pyramid_swd(torch.rand(4, 3, 16, 16), torch.rand(5, 3, 16, 16), 1)
    with pytest.raises(ValueError, match="same shape"):
        lab.sliced_wasserstein(torch.rand(4, 2), torch.rand(5, 2), torch.rand(3, 2))
    with pytest.raises(ValueError, match="do not fit"):
        lab.patches(torch.rand(1, 3, 4, 4), 7, 2)
