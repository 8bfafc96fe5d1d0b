import pytest
import torch

import gantutor as gt
from gantutor.train.callbacks import snapshot_2d
from gantutor.widgets import BEGANRunsExplorer, RunsExplorer


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
    assert explorer.draw(*explorer.setting).axes[0].get_title() == "a · step 0\nnote a"
    explorer.run.value = "b"
    assert len({first, second, explorer.image.value}) == 3
    assert explorer.draw(*explorer.setting).axes[0].get_title() == "b · step 0"
    explorer.run.value, explorer.moment.value = "a", 1
    assert explorer.image.value == first  # a drawing depends only on the controls


def test_runs_must_be_present_and_aligned():
    with pytest.raises(ValueError, match="at least one run"):
        RunsExplorer({})
    with pytest.raises(ValueError, match="at least one run"):
        RunsExplorer({"a": []})
    with pytest.raises(ValueError, match="same number of snapshots"):
        RunsExplorer({"a": _snapshots(0.1), "b": _snapshots(0.1)[:1]})


def test_began_explorer_draws_the_run_and_marks_the_snapshot_step():
    def run(seed):
        gen = torch.Generator().manual_seed(seed)
        history = gt.train.History()
        history.append(1, {"k": [0.1, 0.2], "M": [0.5, 0.4]})
        return [(s, torch.rand(4, 1, 8, 8, generator=gen)) for s in (1, 2)], history

    (a, ha), (b, hb) = run(0), run(1)
    explorer = BEGANRunsExplorer({"a": a, "b": b}, {"a": ha, "b": hb}, nrow=2)
    first = explorer.image.value
    explorer.moment.value = 0
    assert explorer.image.value != first
    images, curves = explorer.draw(*explorer.setting).axes
    assert images.get_title() == "a · step 1" and curves.lines[-1].get_xdata()[0] == 1
    with pytest.raises(ValueError, match="no history for the runs"):
        BEGANRunsExplorer({"a": a, "c": b}, {"a": ha})
