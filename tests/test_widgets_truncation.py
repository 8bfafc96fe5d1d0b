"""The truncation explorer: the slider picks the samples and the marked threshold."""

import math

import numpy as np
import pytest
import torch

from gantutor import viz
from gantutor.data.images import to_unit
from gantutor.labs.truncation import TruncationCurve
from gantutor.widgets.truncation import TruncationExplorer


def _curve() -> TruncationCurve:
    return TruncationCurve(
        [0.5, 1.0, math.inf], [40.0, 20.0, 25.0], [8.0, 7.5, 7.0], [1.0, 0.95, 0.9],
        [10.0, 12.0, 14.0],
    )  # fmt: skip


def test_the_slider_redraws_the_samples_at_the_picked_threshold():
    samples = torch.rand(3, 6, 1, 4, 4) * 2 - 1
    widget = TruncationExplorer(samples, _curve(), nrow=3)
    first = widget.image.value
    assert first[:4] == b"\x89PNG" and widget.setting == (2,)  # starts untruncated
    assert widget.threshold.options[2][0] == "∞"
    left, right, _ = widget.draw(*widget.setting).axes
    np.testing.assert_allclose(
        left.images[0].get_array(), viz.image_grid(to_unit(samples[2]), 3)
    )
    assert left.get_title().startswith("threshold ∞: accuracy 90%")
    widget.threshold.value = 0
    assert widget.image.value != first
    left, right, _ = widget.draw(*widget.setting).axes
    np.testing.assert_allclose(
        left.images[0].get_array(), viz.image_grid(to_unit(samples[0]), 3)
    )
    marker = right.lines[-1]  # the vertical line at the picked threshold
    assert list(marker.get_xdata()) == [0, 0]
    widget.threshold.value = 2
    assert widget.image.value == first


def test_samples_must_match_the_thresholds():
    with pytest.raises(ValueError, match="n_thresholds=3"):
        TruncationExplorer(torch.zeros(2, 6, 1, 4, 4), _curve())
