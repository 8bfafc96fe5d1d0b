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
    assert step.batches_per_step == 3  # the trainer draws 3 batches per call
    step(torch.randn(12, 2))
    assert counts == {"D": 3, "G": 1}
    with pytest.raises(ValueError, match="does not split into k=3"):
        step(torch.randn(10, 2))


# -- batches that carry structure ---------------------------------------------------


def make_structured_trainer(tmp_path=None, seed=0, kind="labelled", log_every=5):
    """A classifier on ``(x, y)`` or a toy loss on unpaired ``(a, b)``, with noise."""
    gt.seed(seed)
    net = torch.nn.Sequential(
        torch.nn.Linear(2, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)
    )
    opt = torch.optim.Adam(net.parameters(), 1e-2)
    x, y = torch.randn(40, 2), torch.randint(3, (40,))  # (40, 2), (40,)
    if kind == "labelled":
        batches = gt.data.TensorBatches((x, y), batch_size=16)
    else:
        batches = gt.data.UnpairedBatches(x, torch.randn(30, 2), batch_size=16)

    def step(batch):
        assert isinstance(batch, tuple)  # the step unpacks the batch as it came
        first, second = batch  # (B, 2), (B,) or (B, 2)
        noisy = first + 0.1 * torch.randn_like(first)  # the RNG state matters too
        if kind == "labelled":
            loss = torch.nn.functional.cross_entropy(net(noisy), second)
        else:
            loss = (net(noisy).mean(0) - net(second).mean(0)).square().sum()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"loss": loss.detach()}

    checkpoint = tmp_path / "run.pt" if tmp_path is not None else None
    return Trainer(
        step,
        batches,
        modules={"net": net},
        optimizers={"opt": opt},
        log_every=log_every,
        checkpoint=checkpoint,
        progress=False,
    )


@pytest.mark.parametrize("kind", ["labelled", "unpaired"])
def test_tuple_batches_train_and_resume_bit_for_bit(tmp_path, kind):
    straight = make_structured_trainer(seed=3, kind=kind)
    straight.fit(20)  # several epochs of 2 batches
    first = make_structured_trainer(tmp_path, seed=3, kind=kind)
    first.fit(10)
    resumed = make_structured_trainer(tmp_path, seed=3, kind=kind)  # the same data
    torch.manual_seed(99)  # other weights and RNG state: the checkpoint's must win
    with torch.no_grad():
        for p in resumed.modules["net"].parameters():
            p.normal_()
    resumed.load(tmp_path / "run.pt")
    resumed.fit(20)
    assert resumed.history.losses == straight.history.losses
    for p, q in zip(
        resumed.modules["net"].parameters(),
        straight.modules["net"].parameters(),
        strict=True,
    ):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


def test_a_step_gets_batches_per_step_batches_concatenated():
    seen = []
    trainer = make_structured_trainer(log_every=1)

    def two_at_once(batch):  # draws no random numbers: the shuffles alone do
        seen.append(batch)
        return {"loss": torch.zeros(())}

    two_at_once.batches_per_step = 2
    trainer.step_fn = two_at_once
    xy = trainer.batches.data  # (40, 2), (40,)
    torch.manual_seed(0)
    big = gt.data.TensorBatches(xy, 32)  # 2 × 16: a new epoch at every batch
    expected = [next(big) for _ in range(3)]
    torch.manual_seed(0)
    trainer.batches = gt.data.TensorBatches(xy, 16)
    trainer.fit(3)
    for got, e in zip(seen, expected, strict=True):
        for part, e_part in zip(got, e, strict=True):
            torch.testing.assert_close(part, e_part, rtol=0, atol=0)
    two_at_once.batches_per_step = 0
    with pytest.raises(ValueError, match="batches_per_step must be an integer >= 1"):
        trainer.fit(4)


def test_a_per_sample_loss_is_refused_by_name_and_shape():
    trainer = make_trainer(log_every=2)
    inner = trainer.step_fn

    def per_sample(batch):
        losses = inner(batch)
        losses["D"] = losses["D"] * torch.ones(len(batch))  # (B,): not a mean
        return losses

    trainer.step_fn = per_sample
    with pytest.raises(ValueError, match=r"loss 'D' as shape \(32,\).*\.mean\(\)"):
        trainer.fit(4)
    assert trainer.history.steps == []  # nothing half-recorded


def test_a_batch_that_is_no_tensor_is_refused():
    trainer = make_trainer()
    trainer.batches = iter([[1.0, 2.0]])
    with pytest.raises(TypeError, match="tensor or a tuple of tensors"):
        trainer.fit(1)
