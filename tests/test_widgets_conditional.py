import numpy as np
import pytest
import torch
from matplotlib.patches import Rectangle

from gantutor import viz
from gantutor.data.images import to_unit
from gantutor.widgets.conditional import ClassGridExplorer


def _grid(seed: int, n_classes: int = 3, n_z: int = 6) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    return torch.rand(n_classes, n_z, 1, 5, 5, generator=gen) * 2 - 1


def _frame(fig) -> Rectangle:
    (frame,) = [p for p in fig.axes[1].patches if isinstance(p, Rectangle)]
    return frame


def test_class_picker_moves_the_frame_and_the_left_panel():
    grids = {"concat": _grid(0), "projection": _grid(1)}
    notes = {"projection": ["acc 10%", "acc 50%", "acc 90%"]}
    widget = ClassGridExplorer(grids, notes, nrow=3, columns=4)
    first = widget.image.value
    assert first[:4] == b"\x89PNG"  # drawn at construction: the static page has it
    assert widget.setting == ("concat", 0)
    fig = widget.draw(*widget.setting)
    left, right = fig.axes
    np.testing.assert_allclose(
        left.images[0].get_array(), viz.image_grid(to_unit(grids["concat"][0]), 3)
    )
    assert right.images[0].get_array().shape[:2] == (3 * 6 + 1, 4 * 6 + 1)
    assert _frame(fig).get_y() == -0.5 and left.get_title() == "concat: class 0"

    widget.label.value = 2
    assert widget.image.value != first
    fig = widget.draw(*widget.setting)
    left, _ = fig.axes
    assert _frame(fig).get_y() == 2 * 6 - 0.5  # tiles of 5 pixels and a border
    np.testing.assert_allclose(
        left.images[0].get_array(), viz.image_grid(to_unit(grids["concat"][2]), 3)
    )

    before = widget.image.value
    widget.run.value = "projection"
    assert widget.image.value != before
    left, right = widget.draw(*widget.setting).axes
    assert left.get_title() == "projection: class 2\nacc 90%"
    np.testing.assert_allclose(
        left.images[0].get_array(), viz.image_grid(to_unit(grids["projection"][2]), 3)
    )
    widget.run.value, widget.label.value = "concat", 0
    assert widget.image.value == first  # the drawing depends only on the controls


def test_grids_must_share_one_shape():
    with pytest.raises(ValueError, match="one shape"):
        ClassGridExplorer({"a": _grid(0), "b": _grid(0, n_z=4)})
    with pytest.raises(ValueError, match="at least one run"):
        ClassGridExplorer({})
    with pytest.raises(ValueError, match=r"\(n_classes, n_z, C, H, W\)"):
        ClassGridExplorer({"a": torch.zeros(3, 4, 5, 5)})
