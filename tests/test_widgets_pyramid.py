"""The LAPGAN explorer draws a level and redraws when a control moves."""

import pytest
import torch

from gantutor.data import pyramid as P
from gantutor.models.lapgan import LevelSamples
from gantutor.widgets.pyramid import PyramidExplorer


def levels(seed: int) -> LevelSamples:
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(3, 3, 32, 32, generator=g) * 2 - 1
    return LevelSamples.of_pyramid(P.laplacian_pyramid(x, 2))


def test_moving_each_control_changes_the_picture():
    w = PyramidExplorer({"real": levels(0), "other": levels(1)})
    assert [label for label, _ in w.level.options] == ["8 → 16 px", "16 → 32 px"]
    first = bytes(w.image.value)
    assert first.startswith(b"\x89PNG")
    w.index.value = 2
    second = bytes(w.image.value)
    assert second != first
    w.level.value = 1
    third = bytes(w.image.value)
    assert third != second
    w.run.value = "other"
    assert bytes(w.image.value) != third


def test_runs_of_different_shapes_raise():
    small = LevelSamples.of_pyramid(P.laplacian_pyramid(torch.rand(2, 3, 16, 16), 1))
    with pytest.raises(ValueError, match="as many images"):
        PyramidExplorer({"a": levels(0), "b": small})
    with pytest.raises(ValueError, match="at least one"):
        PyramidExplorer({})
