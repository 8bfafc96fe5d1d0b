"""The sliced Wasserstein distance of patches, level by level: what it sees."""


import pytest
import torch

from gantutor.data import pyramid as P
from gantutor.labs import pyramid as lab


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
