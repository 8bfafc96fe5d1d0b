import math

import pytest
import torch

import gantutor as gt
from gantutor.labs.comparison import Run
from gantutor.widgets.comparison import (
    ComparisonExplorer,
    draw_reliability,
    draw_spread,
)


def _runs(images: bool = False) -> list[Run]:
    gen = torch.Generator().manual_seed(0)
    out = []
    for loss, centre in [("a", 0.0), ("b", 1.0)]:
        for seed in (0, 1):
            for rate in (1.0, 3.0):
                shape = (8, 1, 6, 6) if images else (50, 2)
                x = (torch.rand(shape, generator=gen) - 0.5 + centre).clamp(-1, 1)
                score = 10 * centre + seed + rate
                out.append(Run(loss, seed, rate, score, 0.5, x, True, 0.1))
    out[-1] = Run("b", 1, 3.0, math.inf, 0.0, out[-1].sample, False, 0.1)
    return out


def test_explorer_controls_redraw_and_circle_the_chosen_run():
    runs = _runs()
    explorer = ComparisonExplorer(runs, "modes covered", gt.data.grid().sample(40))
    assert explorer.setting == ("a", 0, 1.0)
    first = explorer.image.value
    assert first[:4] == b"\x89PNG"
    explorer.loss.value = "b"
    second = explorer.image.value
    explorer.rate.value = 3.0
    explorer.seed.value = 1  # the diverged run
    title = explorer.draw(*explorer.setting).axes[0].get_title()
    assert "(diverged)" in title and "inf" in title
    assert len({first, second, explorer.image.value}) == 3
    explorer.loss.value, explorer.seed.value, explorer.rate.value = "a", 0, 1.0
    assert explorer.image.value == first  # a drawing depends only on the controls


def test_explorer_draws_images_and_says_when_a_run_is_missing():
    runs = [r for r in _runs(images=True) if (r.loss, r.seed) != ("a", 1)]
    explorer = ComparisonExplorer(runs, "FID")
    explorer.seed.value = 1
    fig = explorer.draw(*explorer.setting)
    assert "not trained" in fig.axes[0].texts[0].get_text()
    with pytest.raises(ValueError, match="at least one run"):
        ComparisonExplorer([], "FID")


def test_spread_and_reliability_draw_one_box_or_bar_per_loss():
    fig, (left, right) = gt.viz.figure(ncols=2)
    draw_spread(left, _runs(), "modes")
    assert [t.get_text() for t in left.get_xticklabels()] == ["a", "b"]
    draw_reliability(right, {"a": 0.5, "b": 1.0}, "≥ 20 modes")
    assert [p.get_height() for p in right.patches] == [0.5, 1.0]
