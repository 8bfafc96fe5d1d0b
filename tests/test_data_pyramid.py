"""The Laplacian pyramid: exact reconstruction, known bands, shapes, bad input."""

import pytest
import torch
from torch.testing import assert_close

from gantutor.data import pyramid as P


@pytest.mark.parametrize("kernel", P.KERNELS)
@pytest.mark.parametrize("levels", [0, 1, 2, 3])
def test_any_image_comes_back_exactly_from_its_pyramid(kernel, levels):
    x = torch.randn(3, 2, 32, 16, generator=torch.Generator().manual_seed(levels))
    pyramid = P.laplacian_pyramid(x, levels, kernel)
    assert len(pyramid) == levels + 1
    assert_close(P.reconstruct(pyramid, kernel), x)


@pytest.mark.parametrize("kernel", P.KERNELS)
def test_shapes_halve_level_by_level(kernel):
    pyramid = P.laplacian_pyramid(torch.rand(5, 3, 32, 32), 3, kernel)
    assert [tuple(b.shape) for b in pyramid] == [
        (5, 3, 32, 32),
        (5, 3, 16, 16),
        (5, 3, 8, 8),
        (5, 3, 4, 4),
    ]


@pytest.mark.parametrize("kernel", P.KERNELS)
def test_a_constant_image_has_no_detail(kernel):
    pyramid = P.laplacian_pyramid(torch.full((2, 3, 16, 16), 0.3), 2, kernel)
    for band in pyramid[:-1]:
        assert_close(band, torch.zeros_like(band))
    assert_close(pyramid[-1], torch.full((2, 3, 4, 4), 0.3))


def test_the_binomial_kernel_removes_a_checkerboard_entirely():
    # Σ_k w_k (−1)^k = (1 − 4 + 6 − 4 + 1) / 16 = 0: the finest band is all of it.
    i = torch.arange(16)
    board = ((i[:, None] + i[None, :]) % 2 * 2 - 1.0).expand(1, 3, 16, 16)
    h_0, low = P.laplacian_pyramid(board, 1)
    assert_close(h_0, board)
    assert_close(low, torch.zeros(1, 3, 8, 8))


def test_binomial_downsampling_is_the_5_tap_blur_then_every_second_pixel():
    x = torch.randn(1, 1, 16, 16)
    w = torch.tensor([1.0, 4, 6, 4, 1]) / 16
    r, c = 3, 5  # an interior pixel of the output: rows 2r − 2 … 2r + 2 of x
    patch = x[0, 0, 2 * r - 2 : 2 * r + 3, 2 * c - 2 : 2 * c + 3]
    assert_close(P.downsample(x)[0, 0, r, c], w @ patch @ w)


def test_box_bands_average_to_zero_over_each_2x2_block():
    x = torch.randn(2, 3, 16, 16)
    h_0, low = P.laplacian_pyramid(x, 1, "box")
    assert_close(torch.nn.functional.avg_pool2d(h_0, 2), torch.zeros(2, 3, 8, 8))
    assert_close(low, torch.nn.functional.avg_pool2d(x, 2))


def test_the_gaussian_pyramid_of_an_image_in_range_stays_in_range():
    x = torch.rand(4, 3, 32, 32) * 2 - 1
    for image in P.gaussian_pyramid(x, 3):  # the binomial weights are positive
        assert image.min() >= -1 and image.max() <= 1


def test_bad_input_raises():
    with pytest.raises(ValueError, match="divisible by 8"):
        P.laplacian_pyramid(torch.rand(1, 3, 20, 20), 3)
    with pytest.raises(ValueError, match="levels"):
        P.laplacian_pyramid(torch.rand(1, 3, 16, 16), -1)
    with pytest.raises(ValueError, match="kernel"):
        P.laplacian_pyramid(torch.rand(1, 3, 16, 16), 1, "gaussian")
    with pytest.raises(ValueError, match=r"\(B, C, H, W\)"):
        P.downsample(torch.rand(3, 16, 16))
    with pytest.raises(ValueError, match="at least 4"):
        P.laplacian_pyramid(torch.rand(1, 3, 16, 16), 4)
    with pytest.raises(ValueError, match="twice"):
        P.reconstruct([torch.rand(1, 3, 16, 16), torch.rand(1, 3, 4, 4)])
    with pytest.raises(ValueError, match="low-pass"):
        P.reconstruct([])
