import ipywidgets as W
import numpy as np
import pytest
import torch

from gantutor.data.domains import sample_modes, toy_domains
from gantutor.widgets.collapse import MapExplorer

SEEDS, SNAPSHOTS, N = 2, 3, 160


def _explorer() -> MapExplorer:
    """Two methods: 'shift' sends mode i to mode i + s of B at snapshot s, seed 0,
    and to mode 0 at seed 1; 'constant' sends everything to B's mode 5."""
    source, target = toy_domains()
    a, k = sample_modes(source, N, torch.Generator().manual_seed(0))
    shift = torch.stack([
        torch.stack([target.centres[(k + s) % 8] for s in range(SNAPSHOTS)]),
        target.centres[torch.zeros(SNAPSHOTS, N, dtype=torch.long)],
    ])  # fmt: skip
    constant = target.centres[5].expand(SEEDS, SNAPSHOTS, N, 2)
    maps = {"shift": shift, "constant": constant}
    return MapExplorer(maps, a, k, source, target, steps=[0, 100, 200])


def test_the_figure_shows_the_chosen_map_and_its_counts():
    widget = _explorer()
    assert isinstance(widget.method, W.ToggleButtons)
    assert widget.setting == ("shift", 0, SNAPSHOTS - 1)
    ax_a, ax_b, ax_c = widget.draw("shift", 0, 1).axes
    assert ax_c.get_title() == "8 of 8 modes of B reached\nmajority 100%"
    assert ax_b.get_title() == "G_ab(a) in B: shift, step 100"
    counts = ax_c.images[0].get_array()
    np.testing.assert_array_equal(counts.argmax(1), (np.arange(8) + 1) % 8)
    _, _, ax_c = widget.draw("constant", 1, 0).axes
    assert ax_c.get_title().startswith("1 of 8 modes of B reached")


def test_moving_the_controls_changes_the_drawing():
    widget = _explorer()
    seen = {widget.image.value}
    widget.snapshot.value = 0
    seen.add(widget.image.value)
    widget.seed.value = 1
    seen.add(widget.image.value)
    widget.method.value = "constant"
    seen.add(widget.image.value)
    assert len(seen) == 4


def test_bad_input_raises():
    source, target = toy_domains()
    a, k = sample_modes(source, N)
    maps = {"x": torch.zeros(SEEDS, SNAPSHOTS, N, 2)}
    with pytest.raises(ValueError, match="one shape"):
        MapExplorer({}, a, k, source, target, [0, 1, 2])
    with pytest.raises(ValueError, match="must agree"):
        MapExplorer(maps, a[:-1], k[:-1], source, target, [0, 1, 2])
    with pytest.raises(ValueError, match="2 step numbers for 3"):
        MapExplorer(maps, a, k, source, target, [0, 1])
