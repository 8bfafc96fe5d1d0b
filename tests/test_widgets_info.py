import ipywidgets as W
import numpy as np
import pytest
import torch

from gantutor import viz
from gantutor.widgets.info import TraversalExplorer

K, M, R, S = 3, 2, 2, 5


def _traversals() -> torch.Tensor:
    """(K, M, R, S, 1, 28, 28) images whose pixels say which entry they are."""
    t = -torch.ones(K, M, R, S, 1, 28, 28)
    for k in range(K):
        for j in range(M):
            t[k, j, :, :, 0, 3 * k : 3 * k + 3, 10 + 5 * j : 12 + 5 * j] = 1.0
    return t


def _measures() -> dict[str, torch.Tensor]:
    v = torch.linspace(-2, 2, S)
    slant = torch.stack([torch.stack([0.1 * k * v, -0.2 * v]) for k in range(K)])
    width = torch.ones(K, M, S) + torch.arange(K)[:, None, None]
    return {"slant": slant, "stroke width": width}


@pytest.mark.filterwarnings("error::DeprecationWarning")  # arrays, not tensors
def test_traversal_explorer_draws_the_chosen_category_and_code():
    t, values = _traversals(), torch.linspace(-2, 2, S)
    widget = TraversalExplorer(t, values, _measures())
    assert isinstance(widget.category, W.ToggleButtons) and widget.setting == (0, 0)
    grid, slant, width = widget.draw(0, 0).axes
    expected = viz.image_grid(((t[0, 0].flatten(0, 1) + 1) / 2), nrow=S).numpy()
    np.testing.assert_allclose(grid.images[0].get_array(), expected)
    assert grid.get_title().startswith("category 0: c1 from -2 to 2")
    assert slant.get_title() == "slant along c1"
    assert width.get_xlabel() == "value of c1"
    # the chosen code in colour (last line), the other code in grey
    np.testing.assert_allclose(slant.lines[-1].get_xydata()[:, 1], [0] * S)
    np.testing.assert_allclose(
        slant.lines[0].get_xydata()[:, 1], (-0.2 * values).numpy(), rtol=1e-6
    )


def test_moving_the_controls_changes_the_drawing():
    t, values = _traversals(), torch.linspace(-2, 2, S)
    widget = TraversalExplorer(t, values, _measures(), code_names=["slant?", "width?"])
    seen = {widget.image.value}
    widget.category.value = 2
    assert widget.image.value not in seen
    seen.add(widget.image.value)
    grid, slant, width = widget.draw(*widget.setting).axes
    expected = viz.image_grid(((t[2, 0].flatten(0, 1) + 1) / 2), nrow=S).numpy()
    np.testing.assert_allclose(grid.images[0].get_array(), expected)
    np.testing.assert_allclose(width.lines[-1].get_xydata()[:, 1], [3.0] * S)
    widget.code.value = 1
    assert widget.image.value not in seen
    grid, slant, _ = widget.draw(*widget.setting).axes
    assert slant.get_title() == "slant along width?"
    np.testing.assert_allclose(
        slant.lines[-1].get_xydata()[:, 1], (-0.2 * values).numpy(), rtol=1e-6
    )


def test_without_measures_only_the_grid_is_drawn():
    fig = TraversalExplorer(_traversals(), torch.linspace(-1, 1, S)).draw(1, 1)
    assert len(fig.axes) == 1


def test_inconsistent_shapes_are_refused():
    t = _traversals()
    with pytest.raises(ValueError, match="must be \\(K, n_codes, R, S, C, H, W\\)"):
        TraversalExplorer(t[0], torch.zeros(S))
    with pytest.raises(ValueError, match="4 values for traversals of 5 steps"):
        TraversalExplorer(t, torch.zeros(4))
    with pytest.raises(ValueError, match="measure 'slant' must be"):
        TraversalExplorer(t, torch.zeros(S), {"slant": torch.zeros(K, M, 4)})
