import math

import pytest
import torch

import gantutor as gt
from gantutor.train import NonFiniteLossError, Trainer


def make_trainer(tmp_path=None, seed=0, lr=1e-3, log_every=10, **kwargs):
    """A small GAN on the ring, built from a seed, as a chapter would build it."""
    gt.seed(seed)
    G = gt.models.MLPGenerator(2, 2, hidden=16, depth=2)
    D = gt.models.MLPDiscriminator(2, hidden=16, depth=2)
    opt_G = torch.optim.Adam(G.parameters(), lr)
    opt_D = torch.optim.Adam(D.parameters(), lr)
    batches = gt.data.TensorBatches(gt.data.ring().sample(256), batch_size=32)
    step = gt.steps.gan_step(G, D, opt_G, opt_D, "non-saturating", k=1)
    checkpoint = tmp_path / "run.pt" if tmp_path is not None else None
    return Trainer(
        step,
        batches,
        modules={"G": G, "D": D},
        optimizers={"G": opt_G, "D": opt_D},
        log_every=log_every,
        checkpoint=checkpoint,
        progress=False,
        **kwargs,
    )


def test_one_seed_gives_identical_losses():
    a = make_trainer(seed=1).fit(60)
    b = make_trainer(seed=1).fit(60)
    c = make_trainer(seed=2).fit(60)
    assert a.steps == list(range(1, 61))
    assert a.losses == b.losses
    assert a.losses != c.losses


def test_history_records_every_step_and_the_clock():
    trainer = make_trainer(log_every=7)
    history = trainer.fit(30)
    assert history.steps == list(range(1, 31))
    assert set(history.losses) == {"D", "G"} and len(history.losses["G"]) == 30
    assert [s for s, _ in history.clock] == [7, 14, 21, 28, 30]
    assert history.steps_per_second() > 0
    one = gt.train.History([1, 2, 3, 4], {"D": [0.0] * 4}, [(4, 2.0)])
    assert one.steps_per_second() == 2.0  # a single read-back: from the start
    assert math.isnan(gt.train.History().steps_per_second())


def test_resume_reproduces_the_uninterrupted_run(tmp_path):
    straight = make_trainer(seed=5)
    straight.fit(80)

    first = make_trainer(tmp_path, seed=5, checkpoint_every=40)
    first.fit(40)
    resumed = make_trainer(tmp_path, seed=5)  # the same data, fresh weights
    torch.manual_seed(99)  # the RNG state must come from the checkpoint too
    resumed.load(tmp_path / "run.pt")
    assert resumed.step == 40
    resumed.fit(80)

    assert resumed.history.losses == straight.history.losses
    for name in ("G", "D"):
        for p, q in zip(
            resumed.modules[name].parameters(),
            straight.modules[name].parameters(),
            strict=True,
        ):
            torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_checkpoints_load_with_weights_only(tmp_path):
    trainer = make_trainer(tmp_path)
    trainer.fit(20)
    state = torch.load(tmp_path / "run.pt", weights_only=True)
    assert state["step"] == 20 and len(state["history"]["steps"]) == 20


def test_nan_guard_stops_and_keeps_checkpoint_and_history(tmp_path):
    trainer = make_trainer(tmp_path, checkpoint_every=10)
    inner = trainer.step_fn

    def poisoned(batch):
        losses = inner(batch)
        if trainer.step >= 24:  # steps are counted from 0 inside the step
            losses["D"] = losses["D"] * float("nan")
        return losses

    trainer.step_fn = poisoned
    with pytest.raises(NonFiniteLossError) as error:
        trainer.fit(100)
    message = str(error.value)
    assert "'D' became nan at step 25" in message
    assert "last good checkpoint (step 20)" in message
    assert trainer.history.steps == list(range(1, 25))  # every finite step is kept
    saved = torch.load(tmp_path / "run.pt", weights_only=True)
    assert saved["step"] == 20
    assert all(torch.isfinite(v).all() for v in saved["modules"]["D"].values())


def test_non_finite_weights_are_never_saved(tmp_path):
    trainer = make_trainer(tmp_path)
    trainer.fit(10)
    with torch.no_grad():
        next(trainer.modules["G"].parameters()).fill_(float("inf"))
    with pytest.raises(NonFiniteLossError, match="Weights are not finite"):
        trainer.save()
    assert torch.load(tmp_path / "run.pt", weights_only=True)["step"] == 10


def test_ctrl_c_keeps_history_and_checkpoint(tmp_path, capsys):
    class Interrupt:
        every = 1

        def __call__(self, trainer):
            if trainer.step == 37:
                raise KeyboardInterrupt

    trainer = make_trainer(tmp_path, checkpoint_every=30, callbacks=[Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(100)
    assert trainer.history.steps == list(range(1, 38))
    assert "Interrupted" in capsys.readouterr().out
    assert torch.load(tmp_path / "run.pt", weights_only=True)["step"] == 30
    trainer.fit(50)  # training can go on from where it stopped
    assert trainer.history.steps == list(range(1, 51))


def test_callbacks_run_every_k_steps():
    calls = []

    class Record:
        every = 4

        def __call__(self, trainer):
            calls.append(trainer.step)

    make_trainer(callbacks=[Record()]).fit(13)
    assert calls == [4, 8, 12]


def test_bad_arguments():
    with pytest.raises(ValueError, match="log_every"):
        make_trainer(log_every=0)
    with pytest.raises(ValueError, match="multiple of log_every"):
        make_trainer(log_every=10, checkpoint_every=15)
    trainer = make_trainer()
    trainer.fit(20)
    with pytest.raises(ValueError, match="already at step 20"):
        trainer.fit(10)
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        trainer.load("/nonexistent/run.pt")


def test_k_discriminator_steps_per_generator_step():
    gt.seed(0)
    G, D = gt.models.MLPGenerator(2, 2, 8, 1), gt.models.MLPDiscriminator(2, 8, 1)
    opt_G, opt_D = (
        torch.optim.SGD(G.parameters(), 0.1),
        torch.optim.SGD(D.parameters(), 0.1),
    )
    counts = {"D": 0, "G": 0}
    opt_D.register_step_post_hook(lambda *_: counts.__setitem__("D", counts["D"] + 1))
    opt_G.register_step_post_hook(lambda *_: counts.__setitem__("G", counts["G"] + 1))
    step = gt.steps.gan_step(G, D, opt_G, opt_D, "minimax", k=3)
    step(torch.randn(12, 2))
    assert counts == {"D": 3, "G": 1}
    with pytest.raises(ValueError, match="does not split into k=3"):
        step(torch.randn(10, 2))
