import pytest
import torch

from gantutor.data.sprites import sprites
from gantutor.labs.consistency import (
    colour_gap,
    consistency,
    mirror_share,
    swap_halves,
    symmetry_error,
)


def test_real_sprites_are_perfectly_consistent():
    x = sprites(64, seed=0)
    torch.testing.assert_close(symmetry_error(x), torch.zeros(64))
    torch.testing.assert_close(colour_gap(x), torch.zeros(64), atol=1e-6, rtol=0)
    score = consistency(x)
    assert score["symmetry"] == 0 and score["symmetry_ratio"] == 0
    assert score["colour_ratio"] < 1e-5
    assert score["symmetry_chance"] > 0.1 and score["colour_chance"] > 0.05


def test_a_scrambled_right_half_scores_badly():
    x = sprites(64, seed=1)
    gen = torch.Generator().manual_seed(0)
    right = x[..., 16:].flatten(2)  # (B, 3, H·W/2)
    shuffled = right[..., torch.randperm(right.shape[-1], generator=gen)]
    scrambled = torch.cat([x[..., :16], shuffled.view_as(x[..., 16:])], dim=-1)
    assert (symmetry_error(scrambled) > 0.03).all()
    swapped = consistency(swap_halves(x))
    assert 0.8 < swapped["symmetry_ratio"] < 1.25
    assert 0.6 < swapped["colour_ratio"] < 1.6


def test_closed_forms_on_hand_made_images():
    x = torch.full((2, 3, 4, 4), -1.0)
    x[0, :, :, :2] = 1.0  # left half white, right half black: |2| / 2 = 1 everywhere
    x[1, 0, :, :2] = 1.0  # left half red, right half black
    torch.testing.assert_close(symmetry_error(x), torch.tensor([1.0, 1.0 / 3]))
    torch.testing.assert_close(colour_gap(x), torch.tensor([3**0.5, 1.0]))
    torch.testing.assert_close(swap_halves(x)[0, :, :, 2:], x[1, :, :, 2:])
    torch.testing.assert_close(swap_halves(x)[1, :, :, 2:], x[0, :, :, 2:])


def test_noise_is_no_more_consistent_than_chance():
    x = torch.rand(256, 3, 32, 32, generator=torch.Generator().manual_seed(0)) * 2 - 1
    score = consistency(x)
    assert score["symmetry"] == pytest.approx(
        1 / 3, abs=0.01
    )  # E|U - U'| / 2, U ~ [-1, 1]
    assert score["symmetry_ratio"] == pytest.approx(1.0, abs=0.02)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="even width"):
        symmetry_error(torch.zeros(2, 3, 4, 5))
    with pytest.raises(ValueError, match="even width"):
        colour_gap(torch.zeros(3, 4, 4))
    with pytest.raises(ValueError, match="at least 2 images"):
        swap_halves(torch.zeros(1, 3, 4, 4))


def test_mirror_share_closed_forms():
    n = 4
    uniform = torch.full((2, n * n, n * n), 1.0 / n**2)
    torch.testing.assert_close(mirror_share(uniform), torch.full((2,), 1.0 / n))
    to_mirror = torch.zeros(1, n * n, n * n)
    for r in range(n):
        for c in range(n):
            to_mirror[0, r * n + c, 0 * n + (n - 1 - c)] = 1.0  # row 0, mirror column
    torch.testing.assert_close(mirror_share(to_mirror), torch.ones(1))
    to_self = torch.eye(n * n)[None]  # each query looks at itself
    # only the queries whose column is its own mirror would count: none for even n
    torch.testing.assert_close(mirror_share(to_self), torch.zeros(1))
    with pytest.raises(ValueError, match=r"\(B, n², n²\)"):
        mirror_share(torch.ones(1, 15, 15))
