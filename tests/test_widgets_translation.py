"""The explorer of translation runs: both controls redraw, bad runs are refused."""

import pytest
import torch

from gantutor.labs.translation import COLUMNS
from gantutor.widgets.translation import TranslationExplorer


def trips(shift):
    g = torch.Generator().manual_seed(0)
    grey = (torch.rand(6, 1, 28, 28, generator=g) * 2 - 1) * shift
    colour = (torch.rand(6, 3, 28, 28, generator=g) * 2 - 1) * shift
    return {
        **{"a": grey, "ab": colour, "aba": grey.flip(-1)},
        **{"b": colour.flip(-1), "ba": grey.flip(-2), "bab": colour.flip(-2)},
    }


def scores(value):
    return dict.fromkeys(COLUMNS, value)


def explorer():
    return TranslationExplorer(
        {"λ = 0": trips(1.0), "λ = 10": trips(0.3)},
        {"λ = 0": scores(0.2), "λ = 10": scores(0.7)},
        description="λ_cycle",
    )


def test_both_controls_redraw_and_a_drawing_depends_only_on_them():
    ex = explorer()
    first = ex.image.value
    assert first[:4] == b"\x89PNG"
    ex.direction.value = "B → A → B"
    second = ex.image.value
    ex.run.value = "λ = 10"
    assert len({first, second, ex.image.value}) == 3
    title = ex.draw(*ex.setting).axes[0].get_title()
    assert title.startswith("λ = 10: b / G_ba(b)")
    ex.run.value, ex.direction.value = "λ = 0", "A → B → A"
    assert ex.image.value == first


def test_runs_must_match_and_be_complete():
    with pytest.raises(ValueError, match="at least one run"):
        TranslationExplorer({}, {})
    with pytest.raises(ValueError, match="same runs"):
        TranslationExplorer({"x": trips(1.0)}, {"y": scores(0.1)})
    partial = trips(1.0)
    del partial["bab"]
    with pytest.raises(ValueError, match="round_trips"):
        TranslationExplorer({"x": partial}, {"x": scores(0.1)})
    with pytest.raises(ValueError, match="class_ab"):
        TranslationExplorer({"x": trips(1.0)}, {"x": {"fid_a": 1.0}})
