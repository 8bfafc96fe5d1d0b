"""The base of every explorer: controls above a figure redrawn when one moves.

An :class:`Explorer` is an ``ipywidgets.VBox`` of controls and an
``ipywidgets.Image``. It draws once when it is built, so the built book embeds a
figure that shows without a kernel; then each change of a control's value draws
again. A subclass says what to draw in ``draw(*values) -> Figure``, which gets the
controls' values in the order they were laid out: a drawing depends only on the
controls, and tests move a control and compare the PNG bytes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence, Sized

import ipywidgets as W
from matplotlib.figure import Figure

from gantutor import viz

Row = W.ValueWidget | Sequence[W.ValueWidget]


class Explorer(W.VBox):
    """Rows of controls above a figure that ``draw(*values)`` redraws.

    Each of ``rows`` is one control or a list of controls shown side by side;
    ``draw`` receives the value of every control, row by row. ``below`` holds
    widgets shown under the figure (a caption). A subclass that adjusts its
    controls before a drawing (disables one, renames one) overrides
    :meth:`redraw` and calls ``super().redraw()``.
    """

    def __init__(self, *rows: Row, below: Sequence[W.Widget] = ()):
        grouped = [[row] if isinstance(row, W.Widget) else list(row) for row in rows]
        self.controls = [control for row in grouped for control in row]
        self.image = W.Image(format="png")
        for control in self.controls:
            control.observe(lambda _: self.redraw(), names="value")
        boxes = [row[0] if len(row) == 1 else W.HBox(row) for row in grouped]
        super().__init__([*boxes, self.image, *below])
        self.redraw()

    @property
    def setting(self) -> tuple:
        """The value of every control, in the order ``draw`` receives them."""
        return tuple(control.value for control in self.controls)

    def draw(self, *values) -> Figure:
        """The figure for these values of the controls."""
        raise NotImplementedError(f"{type(self).__name__} must define draw")

    def redraw(self) -> None:
        """Draw the figure for the controls' current values into the image."""
        self.image.value = viz.to_png(self.draw(*self.setting))


def slider(
    description: str, value: float, lo: float, hi: float, step: float = 1
) -> W.IntSlider | W.FloatSlider:
    """A slider that redraws when released, not while it is dragged.

    An integer ``step`` gives an ``IntSlider``, a float one a ``FloatSlider``.
    """
    kind = W.IntSlider if isinstance(step, int) else W.FloatSlider
    return kind(
        value=value,
        min=lo,
        max=hi,
        step=step,
        description=description,
        continuous_update=False,
    )


def snapshot_slider(n: int, description: str = "snapshot") -> W.IntSlider:
    """A slider over ``n`` snapshots, 0 to n − 1, that starts at the last one."""
    return slider(description, n - 1, 0, n - 1)


def common_length(groups: Mapping[str, Sized], owner: str, what: str) -> int:
    """The length that every group shares (every run has as many ``what``).

    Refuses no group, an empty one, or groups of different lengths, naming
    ``owner`` (the widget) and each group's length.
    """
    lengths = {len(group) for group in groups.values()}
    if not groups or 0 in lengths:
        raise ValueError(f"{owner} needs at least one run with {what}")
    if len(lengths) != 1:
        raise ValueError(
            f"every run must have the same number of {what}; got "
            + ", ".join(f"{name}: {len(group)}" for name, group in groups.items())
        )
    (n,) = lengths
    return n
