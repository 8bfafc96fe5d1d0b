import pytest
import torch

import gantutor as gt
from gantutor.train.callbacks import snapshot_2d
from gantutor.widgets import RunsExplorer


def _snapshots(shift: float) -> list:
    gt.seed(0)
    G = gt.models.MLPGenerator(2, 2, hidden=16, depth=2)
    D = gt.models.MLPDiscriminator(2, hidden=16, depth=2)
    z = torch.randn(30, 2)
    out = []
    for step in (0, 10):
        with torch.no_grad():
            for p in G.parameters():
                p.add_(shift)
        out.append(snapshot_2d(G, D, z, step=step, resolution=12))
    return out


def test_both_sliders_redraw():
    explorer = RunsExplorer(
        {"a": _snapshots(0.1), "b": _snapshots(-0.3)},
        gt.data.ring().sample(50),
        notes={"a": "note a"},
        description="loss",
    )
    assert explorer.run.value == "a" and explorer.moment.value == 1
    first = explorer.image.value
    assert first[:4] == b"\x89PNG"
    explorer.moment.value = 0
    second = explorer.image.value
    explorer.run.value = "b"
    assert len({first, second, explorer.image.value}) == 3
    explorer.run.value, explorer.moment.value = "a", 1
    assert explorer.image.value == first  # a drawing depends only on the controls


def test_runs_must_be_present_and_aligned():
    with pytest.raises(ValueError, match="at least one run"):
        RunsExplorer({})
    with pytest.raises(ValueError, match="at least one run"):
        RunsExplorer({"a": []})
    with pytest.raises(ValueError, match="same number of snapshots"):
        RunsExplorer({"a": _snapshots(0.1), "b": _snapshots(0.1)[:1]})
