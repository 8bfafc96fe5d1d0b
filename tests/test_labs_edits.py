import pytest
import torch

from gantutor.labs import edits


@pytest.fixture
def zero() -> torch.Tensor:
    """A hand-drawn ring, a '0' in [-1, 1]."""
    yy, xx = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    r = ((yy - 13.5) ** 2 / 81 + (xx - 13.5) ** 2 / 36).sqrt()
    return torch.where((r > 0.8) & (r < 1.1), 1.0, -1.0)[None]


@pytest.mark.parametrize("kind", edits.KINDS)
def test_every_edit_of_n_pixels_has_the_same_mse(zero, kind):
    for n in (0, 10, 40):
        edited = edits.edit(zero, n, kind)
        assert int((edited != zero).sum()) == n
        torch.testing.assert_close(
            edits.mse(edited[None], zero[None]), torch.tensor([4.0 * n / 784])
        )


def test_thicken_stays_on_the_stroke_and_scatter_stays_away(zero):
    ink = zero[0] > 0
    near = torch.nn.functional.max_pool2d(ink[None, None].float(), 3, 1, 1)[0, 0] > 0
    thick = edits.edit(zero, 30, "thicken")[0] != zero[0]
    scattered = edits.edit(zero, 30, "scatter")[0] != zero[0]
    assert bool((thick & ~near).sum() == 0)
    assert bool((scattered & near).sum() == 0)


def test_bad_edits(zero):
    with pytest.raises(ValueError, match="known edits: thicken, scatter, bar"):
        edits.edit(zero, 5, "blur")
    with pytest.raises(ValueError, match="can change 0 to"):
        edits.edit(zero, 10_000, "thicken")
    with pytest.raises(ValueError, match=r"\(1, H, W\)"):
        edits.edit(zero[0], 5, "bar")
    with pytest.raises(ValueError, match=r"\[-1, 1\]"):
        edits.edit(zero * 255, 5, "bar")
