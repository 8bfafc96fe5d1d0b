import numpy as np
import pytest
import torch
from matplotlib.patches import Rectangle

from gantutor.widgets.attention import AttentionExplorer


def _inputs(b: int = 2, side: int = 4, size: int = 8):
    gen = torch.Generator().manual_seed(0)
    images = torch.rand(b, 3, size, size, generator=gen) * 2 - 1
    maps = torch.softmax(torch.randn(b, side * side, side * side, generator=gen), -1)
    return images, maps


def test_moving_the_query_moves_the_heatmap_and_the_marks():
    images, maps = _inputs()
    widget = AttentionExplorer(images, maps)
    first = widget.image.value
    assert first[:4] == b"\x89PNG"  # drawn at construction: the static page has it
    assert widget.setting == (0, 1, 2)
    fig = widget.draw(*widget.setting)
    heat = fig.axes[1].images[1].get_array()
    row = maps[0, 2 * 4 + 1].view(4, 4).numpy()
    np.testing.assert_allclose(heat, np.kron(row, np.ones((2, 2))), rtol=1e-6)
    squares = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    assert [s.get_x() for s in squares] == [1 * 2 - 0.5, 2 * 2 - 0.5]  # query, mirror
    assert (
        f"{maps[0, 9, 2 * 4 + 2].item():.0%} at the mirror" in fig.axes[1].get_title()
    )

    widget.x.value = 3
    assert widget.image.value != first
    squares = [p for p in widget.draw(*widget.setting).axes[0].patches]
    assert squares[0].get_x() == 3 * 2 - 0.5 and squares[1].get_x() == -0.5
    before = widget.image.value
    widget.index.value = 1
    assert widget.image.value != before
    widget.index.value, widget.x.value = 0, 1
    assert widget.image.value == first  # the drawing depends only on the controls


def test_without_mirror_only_the_query_is_marked():
    images, maps = _inputs()
    fig = AttentionExplorer(images, maps, mirror=False).draw(1, 0, 0)
    assert len(fig.axes[0].patches) == 1 and "at the peak" in fig.axes[1].get_title()


def test_mismatched_inputs_are_refused():
    images, maps = _inputs()
    with pytest.raises(ValueError, match="same B"):
        AttentionExplorer(images[:1], maps)
    with pytest.raises(ValueError, match=r"n²"):
        AttentionExplorer(images, maps[:, :15, :15])
    with pytest.raises(ValueError, match="must divide"):
        AttentionExplorer(torch.zeros(2, 3, 10, 10), maps)
    with pytest.raises(ValueError, match="square"):
        AttentionExplorer(torch.zeros(2, 3, 8, 16), maps)
