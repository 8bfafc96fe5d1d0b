import ipywidgets as W
import pytest
from matplotlib.figure import Figure

from gantutor import viz
from gantutor.widgets.base import Explorer, common_length, slider, snapshot_slider


class Titles(Explorer):
    """Draws its controls' values as the title: the drawing shows what it got."""

    def __init__(self):
        self.calls = []
        self.a = slider("a", 1, 0, 3)
        self.b = W.ToggleButtons(options=["x", "y"])
        self.c = slider("c", 0.5, 0.0, 1.0, 0.25)
        self.caption = W.HTML("caption")
        super().__init__(self.a, [self.b, self.c], below=[self.caption])

    def draw(self, a: int, b: str, c: float) -> Figure:
        self.calls.append((a, b, c))
        fig = Figure()
        fig.add_subplot().set_title(f"{a} {b} {c}")
        return fig


def test_explorer_draws_at_construction_and_when_any_control_moves():
    explorer = Titles()
    assert explorer.calls == [(1, "x", 0.5)]  # the static page has a figure
    first = explorer.image.value
    assert first[:4] == b"\x89PNG"
    assert first == viz.to_png(explorer.draw(*explorer.setting))
    seen = {first}
    for control, value in [(explorer.a, 3), (explorer.b, "y"), (explorer.c, 1.0)]:
        control.value = value
        assert explorer.image.value not in seen, control.description
        seen.add(explorer.image.value)
    assert explorer.setting == (3, "y", 1.0)
    assert explorer.calls[-1] == explorer.setting  # values in row order
    explorer.a.value, explorer.b.value, explorer.c.value = 1, "x", 0.5
    assert explorer.image.value == first  # a drawing depends only on the controls


def test_explorer_lays_out_rows_then_the_figure_then_what_is_below():
    explorer = Titles()
    top, row, image, caption = explorer.children
    assert top is explorer.a and image is explorer.image and caption is explorer.caption
    assert isinstance(row, W.HBox) and row.children == (explorer.b, explorer.c)
    assert explorer.controls == [explorer.a, explorer.b, explorer.c]


def test_an_explorer_without_draw_is_refused():
    class Blank(Explorer):
        pass

    with pytest.raises(NotImplementedError, match="Blank must define draw"):
        Blank(slider("a", 0, 0, 1))


def test_sliders_redraw_on_release_and_snapshots_start_at_the_last():
    snapshot = snapshot_slider(4)
    assert (snapshot.min, snapshot.max, snapshot.value) == (0, 3, 3)
    assert snapshot.description == "snapshot" and not snapshot.continuous_update
    assert isinstance(snapshot, W.IntSlider)
    h = slider("h", 1, 0.01, 0.6, 0.01)  # the step decides: h stays a float
    assert isinstance(h, W.FloatSlider) and not h.continuous_update


def test_common_length_refuses_no_run_an_empty_run_and_ragged_runs():
    assert common_length({"a": [1, 2], "b": [3, 4]}, "W", "snapshots") == 2
    with pytest.raises(ValueError, match="W needs at least one run with records"):
        common_length({}, "W", "records")
    with pytest.raises(ValueError, match="at least one run"):
        common_length({"a": []}, "W", "records")
    with pytest.raises(ValueError, match="same number of records; got a: 1, b: 2"):
        common_length({"a": [1], "b": [1, 2]}, "W", "records")
