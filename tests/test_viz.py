import sys
import types

import pytest
import torch
from torchvision.utils import make_grid

from gantutor import viz


@pytest.mark.parametrize(
    ("b", "c", "nrow"), [(10, 1, 4), (1, 1, 8), (7, 3, 3), (64, 1, 8), (3, 1, 8)]
)
def test_image_grid_lays_images_out_as_torchvision_does(b, c, nrow):
    x = torch.rand(b, c, 5, 6)
    expected = make_grid(x, nrow=nrow, padding=1, pad_value=1).permute(1, 2, 0)
    torch.testing.assert_close(viz.image_grid(x, nrow), expected)


def test_image_grid_puts_image_k_in_row_k_over_nrow():
    x = torch.arange(5.0).view(5, 1, 1, 1).expand(5, 1, 2, 2)  # image k is all k
    grid = viz.image_grid(x, nrow=2)[..., 0]  # (3 * 3 + 1, 2 * 3 + 1)
    assert grid.shape == (10, 7)
    assert grid[1, 1] == 0 and grid[1, 4] == 1 and grid[4, 1] == 2 and grid[7, 1] == 4
    assert grid[7, 4] == 1.0  # no sixth image: the padding value
    with pytest.raises(ValueError, match="nrow"):
        viz.image_grid(x, nrow=0)


def test_glue_hands_the_value_to_myst_nb_without_display(monkeypatch):
    calls = []
    fake = types.ModuleType("myst_nb")
    fake.glue = lambda name, value, display=True: calls.append((name, value, display))
    monkeypatch.setitem(sys.modules, "myst_nb", fake)
    viz.glue("ratio", 0.25)
    assert calls == [("ratio", 0.25, False)]


def test_glue_does_nothing_without_myst_nb(monkeypatch):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # import raises ImportError
    assert viz.glue("ratio", 0.25) is None
