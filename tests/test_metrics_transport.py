"""The sliced Wasserstein distance: closed forms and its symmetries."""

import math

import pytest
import torch
from torch.testing import assert_close

from gantutor.metrics import transport


def test_directions_are_unit_vectors():
    theta = transport.directions(5, 100, torch.Generator().manual_seed(0))
    assert theta.shape == (100, 5)
    assert_close(theta.norm(dim=1), torch.ones(100, dtype=torch.float64))


def test_a_shifted_cloud_is_at_the_mean_projected_shift():
    # W_1 in 1-D between a sample and the same sample moved by c is |c|, so
    # SW_1(a, a + v) = mean over θ of |θ · v|, for any a.
    g = torch.Generator().manual_seed(0)
    a, v = torch.randn(300, 3, generator=g), torch.tensor([0.5, -1.0, 2.0])
    theta = transport.directions(3, 50, g)
    expected = (theta @ v.double()).abs().mean().item()
    assert transport.sliced_wasserstein(a, a + v, theta) == pytest.approx(expected)
    assert transport.sliced_wasserstein(a, a, theta) == 0


def test_over_many_directions_it_tends_to_the_spherical_average():
    # E|θ · v| = ‖v‖ Γ(d/2) / (√π Γ((d + 1)/2)); 2/π ‖v‖ in two dimensions.
    a, v = torch.zeros(10, 2), torch.tensor([3.0, 4.0])
    theta = transport.directions(2, 20_000, torch.Generator().manual_seed(1))
    swd = transport.sliced_wasserstein(a, a + v, theta)
    assert swd == pytest.approx(5 * 2 / math.pi, rel=0.02)


def test_it_is_symmetric_and_ignores_the_order_of_the_samples():
    g = torch.Generator().manual_seed(2)
    a, b = torch.randn(64, 4, generator=g), torch.rand(64, 4, generator=g)
    theta = transport.directions(4, 32, g)
    d = transport.sliced_wasserstein(a, b, theta)
    assert d == pytest.approx(transport.sliced_wasserstein(b, a, theta))
    shuffled = a[torch.randperm(64)]
    assert d == pytest.approx(transport.sliced_wasserstein(shuffled, b, theta))
