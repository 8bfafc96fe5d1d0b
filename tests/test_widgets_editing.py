import ipywidgets as W
import numpy as np
import pytest
import torch

from gantutor import viz
from gantutor.widgets.editing import EditExplorer


def _digits(n: int = 4, k: int = 3):
    """Real digits and edits whose pixels say which (digit, class) they are."""
    x = torch.linspace(-1, 1, n)[:, None, None, None].expand(n, 1, 28, 28).clone()
    edits = -torch.ones(n, k, 1, 28, 28)
    for i in range(n):
        for c in range(k):
            edits[i, c, 0, 2 + 5 * c : 5 + 5 * c, 2 + 5 * i : 5 + 5 * i] = 1.0
    y_hat = torch.tensor([0, 2, 1, 1])[:n]
    read = torch.tensor([[0, 1, 1], [0, 1, 2], [2, 1, 2], [0, 0, 2]])[:n]
    return x, edits, y_hat, read


def _panel(fig, which: int) -> np.ndarray:
    """The image drawn on one of the three top axes (as [0, 1] RGB)."""
    return fig.axes[which].images[0].get_array()


def test_edit_explorer_draws_the_digit_its_reconstruction_and_the_edit():
    x, edits, y_hat, read = _digits()
    widget = EditExplorer(x, edits, y_hat, read)
    assert isinstance(widget.target, W.ToggleButtons)
    assert widget.setting == (0, 1)  # digit 0, target: the class after E_y's
    fig = widget.draw(*widget.setting)
    original, rec, edit = (fig.axes[i].get_title() for i in range(3))
    assert original == "real digit #0"
    assert rec == "reconstruction\nE_y: 0"
    assert edit == "edit to 1\nread as 1"
    expected = viz.image_grid(((edits[0, 1] + 1) / 2)[None]).numpy()
    np.testing.assert_allclose(_panel(fig, 2), expected)
    np.testing.assert_allclose(
        _panel(fig, 1), viz.image_grid(((edits[0, 0] + 1) / 2)[None]).numpy()
    )
    assert len(fig.axes) == 3 + 3  # three panels, then the digit as every class
    assert [fig.axes[3 + c].get_title() for c in range(3)] == ["0", "1", "2"]


def test_moving_either_control_redraws_what_it_names():
    x, edits, y_hat, read = _digits()
    widget = EditExplorer(x, edits, y_hat, read)
    seen = {widget.image.value}
    widget.target.value = 2
    assert widget.image.value not in seen
    seen.add(widget.image.value)
    fig = widget.draw(*widget.setting)
    assert fig.axes[2].get_title() == "edit to 2\nread as 1"
    widget.digit.value = 3
    assert widget.image.value not in seen
    fig = widget.draw(*widget.setting)
    assert fig.axes[0].get_title() == "real digit #3"
    assert fig.axes[1].get_title() == "reconstruction\nE_y: 1"  # y_hat[3] = 1
    np.testing.assert_allclose(
        _panel(fig, 2), viz.image_grid(((edits[3, 2] + 1) / 2)[None]).numpy()
    )
    widget.digit.value, widget.target.value = 0, 1
    assert widget.image.value == EditExplorer(x, edits, y_hat, read).image.value


def test_without_readings_the_edit_title_is_the_target_only():
    x, edits, y_hat, _ = _digits()
    fig = EditExplorer(x, edits, y_hat).draw(1, 0)
    assert fig.axes[2].get_title() == "edit to 0"


def test_mismatched_inputs_are_refused():
    x, edits, y_hat, read = _digits()
    with pytest.raises(ValueError, match="the same 4 digits and 3 classes"):
        EditExplorer(x[:3], edits, y_hat, read)
    with pytest.raises(ValueError, match=r"\(4, 2\)"):
        EditExplorer(x, edits, y_hat, read[:, :2])
