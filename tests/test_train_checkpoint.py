"""Checkpoints keep the step's own state: the image buffers of a translation step."""

import pytest
import torch

from gantutor.data.batches import UnpairedBatches
from gantutor.data.domains import sample_modes, toy_domains
from gantutor.models.mlp import MLPDiscriminator
from gantutor.models.translation import PointMap
from gantutor.steps.translation import translation_step
from gantutor.train import Trainer

RING, LINE = toy_domains()


def make_trainer(tmp_path=None, buffer_size=8, seed=0):
    """A toy CycleGAN (ring ↔ line) whose step keeps a history of fakes."""
    g = torch.Generator().manual_seed(100)
    a, b = sample_modes(RING, 64, g)[0], sample_modes(LINE, 64, g)[0]
    torch.manual_seed(seed)
    G_ab, G_ba = PointMap(hidden=16), PointMap(hidden=16)
    D_a, D_b = (MLPDiscriminator(2, hidden=16, depth=2) for _ in "ab")
    opt_G = torch.optim.Adam([*G_ab.parameters(), *G_ba.parameters()], 1e-3)
    opt_D = torch.optim.Adam([*D_a.parameters(), *D_b.parameters()], 1e-3)
    step = translation_step(G_ab, G_ba, D_a, D_b, opt_G, opt_D, buffer_size=buffer_size)
    return Trainer(
        step,
        UnpairedBatches(a, b, batch_size=4),
        modules={"G_ab": G_ab, "G_ba": G_ba, "D_a": D_a, "D_b": D_b},
        optimizers={"G": opt_G, "D": opt_D},
        log_every=5,
        checkpoint=None if tmp_path is None else tmp_path / "run.pt",
        progress=False,
    )


def test_resume_with_image_buffers_is_bit_for_bit(tmp_path):
    straight = make_trainer()
    straight.fit(30)
    first = make_trainer(tmp_path)
    first.fit(10)  # the buffers of 8 are full after 2 steps: they hold state now
    resumed = make_trainer(tmp_path, seed=7)  # other weights, empty buffers
    torch.manual_seed(99)
    resumed.load(tmp_path / "run.pt")
    for mine, saved in zip(resumed.step_fn.buffers, first.step_fn.buffers, strict=True):
        assert torch.equal(mine.images, saved.images)
    resumed.fit(30)
    assert resumed.history.losses == straight.history.losses
    for name, module in resumed.modules.items():
        for p, q in zip(
            module.parameters(), straight.modules[name].parameters(), strict=True
        ):
            torch.testing.assert_close(p, q, rtol=0, atol=0)
    for mine, theirs in zip(
        resumed.step_fn.buffers, straight.step_fn.buffers, strict=True
    ):
        torch.testing.assert_close(mine.images, theirs.images, rtol=0, atol=0)


def test_without_the_buffers_the_resumed_run_differs(tmp_path):
    straight = make_trainer()
    straight.fit(30)
    first = make_trainer(tmp_path)
    first.fit(10)
    resumed = make_trainer(tmp_path)
    resumed.load(tmp_path / "run.pt")
    for buffer in resumed.step_fn.buffers:  # what a checkpoint without them gives
        buffer.images = None
    resumed.fit(30)
    assert resumed.history.losses != straight.history.losses


def test_a_checkpoint_and_a_step_with_other_buffers_are_refused(tmp_path):
    make_trainer(tmp_path, buffer_size=8).fit(5)
    with pytest.raises(ValueError, match="buffer_size"):
        make_trainer(tmp_path, buffer_size=0).load(tmp_path / "run.pt")
    make_trainer(tmp_path, buffer_size=0).fit(5)
    with pytest.raises(ValueError, match="2 image buffers|0 image buffers"):
        make_trainer(tmp_path, buffer_size=8).load(tmp_path / "run.pt")
