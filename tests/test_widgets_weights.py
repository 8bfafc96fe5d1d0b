import numpy as np
import pytest
import torch

from gantutor.labs.weights import WeightSnapshot
from gantutor.widgets import WeightHistograms


def _snapshot(step: int, counts: list[float], at_bound: float) -> WeightSnapshot:
    edges = torch.linspace(-0.1, 0.1, len(counts) + 1)
    return WeightSnapshot(step, torch.tensor(counts), edges, at_bound)


@pytest.mark.filterwarnings("error::DeprecationWarning")  # arrays, not tensors
def test_weight_histograms_slider_moves_the_histogram_and_the_marker():
    snaps = [_snapshot(0, [1, 2, 4, 2, 1], 0.0), _snapshot(5, [6, 1, 0, 1, 2], 0.8)]
    widget = WeightHistograms(snaps, title="critic")
    first = widget.image.value
    histogram, share = widget.draw(*widget.setting).axes
    assert histogram.get_title() == "step 5: 80% of the weights at ±c = ±0.1"
    bars = [bar.get_height() for bar in histogram.patches]
    np.testing.assert_allclose(bars, [0.6, 0.1, 0.0, 0.1, 0.2])  # shares, not counts
    reference = histogram.lines[0].get_ydata()  # the first snapshot, in grey
    np.testing.assert_allclose(reference, [0.1, 0.2, 0.4, 0.2, 0.1])
    np.testing.assert_allclose(share.lines[-1].get_xydata(), [[5, 0.8]])
    widget.slider.value = 0
    assert widget.image.value != first
    histogram, share = widget.draw(*widget.setting).axes
    assert histogram.get_title().startswith("step 0: 0% ")
    assert len(histogram.lines) == 2  # no grey outline: only the two ±c lines
    np.testing.assert_allclose(share.lines[-1].get_xydata(), [[0, 0.0]])
