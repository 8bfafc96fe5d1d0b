"""The GPU path: switches, fallbacks, and one accelerated step against the eager one.

Tests marked ``cuda`` run where a CUDA device exists (``pytest -m cuda``); on the
CPU the same switches are checked to fall back cleanly. Tolerances are stated in
each test: "relative update error" is ‖Δw_accel − Δw_eager‖ / ‖Δw_eager‖ over all
weights, where Δw is the change of the weights during the run; a graph that did
not update the weights, or updated them twice, gives about 1.
"""

import contextlib
import copy
import dataclasses

import pytest
import torch
from torch import nn

import gantutor as gt
from gantutor.train import Trainer, accel
from gantutor.train.accel import Accel
from gantutor.train.cuda_graph import StepRunner


def on_cuda(test):
    """Mark ``test`` as needing a CUDA device (selected by ``pytest -m cuda``)."""
    skip = pytest.mark.skipif(
        not torch.cuda.is_available(), reason="needs a CUDA device"
    )
    return pytest.mark.cuda(skip(test))


CUDA_ONLY = ("tf32", "cudnn_benchmark", "cuda_graph")


def dcgan(device="cpu", seed=0, img_size=28, channels=1, width=8, latent_dim=16):
    gt.seed(seed)
    G = gt.models.DCGANGenerator(latent_dim, img_size, channels, width).to(device)
    D = gt.models.DCGANDiscriminator(img_size, channels, width).to(device)
    opt_G = torch.optim.Adam(G.parameters(), 2e-4, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), 2e-4, betas=(0.5, 0.999))
    return G, D, opt_G, opt_D


def run(acc, steps=4, device="cpu", batch=16, seed=0, log_every=None, **size):
    """Train a small DCGAN for ``steps`` with ``acc``; return trainer and weights."""
    G, D, opt_G, opt_D = dcgan(device, seed, **size)
    start = {k: copy.deepcopy(m.state_dict()) for k, m in {"G": G, "D": D}.items()}
    x = torch.rand(4 * batch, *D.in_shape, device=device) * 2 - 1
    trainer = Trainer(
        gt.steps.gan_step(G, D, opt_G, opt_D),
        gt.data.TensorBatches(x, batch, device),
        modules={"G": G, "D": D},
        optimizers={"G": opt_G, "D": opt_D},
        log_every=log_every or steps,
        progress=False,
        accel=acc,
    )
    trainer.fit(steps)
    return trainer, start


def weights(trainer):
    return [
        p.detach().float().flatten()
        for m in trainer.modules.values()
        for p in m.parameters()
    ]


def update_error(a, b, start_a):
    """‖Δw_a − Δw_b‖ / ‖Δw_b‖ for two trainers that started from the same weights."""
    w0 = torch.cat(
        [
            v.float().flatten().to(weights(a)[0].device)
            for m in start_a.values()
            for k, v in m.items()
            if "running" not in k and "num_batches" not in k
        ]
    )
    wa, wb = torch.cat(weights(a)), torch.cat(weights(b)).to(w0.device)
    return float((wa - wb).norm() / (wb - w0).norm())


# -- the switches ----------------------------------------------------------------


def test_defaults_are_off_on_cpu_and_on_for_cuda(monkeypatch):
    assert Accel.for_device("cpu") == Accel()
    assert not any(
        getattr(Accel(), f.name)
        for f in dataclasses.fields(Accel)
        if f.name != "warmup"
    )
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda d=None: (9, 0))
    on = Accel.for_device("cuda")
    assert on.autocast and on.tf32 and on.channels_last and on.fused
    assert on.cuda_graph and on.cudnn_benchmark
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda d=None: (7, 0))
    older = Accel.for_device("cuda")  # e.g. a V100: fp32, so NCHW stays faster
    assert not older.autocast and not older.channels_last
    assert older.fused and older.cuda_graph and older.tf32


def test_cuda_only_switches_resolve_off_on_cpu_with_reasons():
    resolved, why = Accel(
        autocast=True,
        channels_last=True,
        tf32=True,
        cudnn_benchmark=True,
        cuda_graph=True,
    ).resolve("cpu")
    assert resolved == Accel(autocast=True, channels_last=True)
    assert len(why) == 3 and all("needs a CUDA device" in w for w in why)
    assert Accel.for_device("cpu").resolve("cpu") == (Accel(), [])
    with pytest.raises(ValueError, match="warmup"):
        Accel(warmup=0).resolve("cpu")


def test_trainer_on_cpu_decides_from_the_device_and_keeps_autocast_argument():
    G, D, opt_G, opt_D = dcgan()
    kwargs = dict(modules={"G": G, "D": D}, optimizers={"G": opt_G, "D": opt_D})
    step = gt.steps.gan_step(G, D, opt_G, opt_D)
    plain = Trainer(step, iter([]), **kwargs)
    assert plain.accel == Accel() and plain.autocast is False
    forced = Trainer(step, iter([]), autocast=True, **kwargs)
    assert forced.accel == Accel(autocast=True) and forced.autocast is True
    off = Trainer(step, iter([]), accel=Accel(autocast=True), autocast=False, **kwargs)
    assert off.accel.autocast is False


@pytest.mark.parametrize("switch", CUDA_ONLY)
def test_cuda_only_switch_on_cpu_is_bit_identical_to_eager(switch, capsys):
    eager, _ = run(Accel())
    asked, _ = run(Accel(**{switch: True}))
    assert f"{switch} off: it needs a CUDA device" in capsys.readouterr().out
    assert asked.history.losses == eager.history.losses
    for p, q in zip(weights(asked), weights(eager), strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)


@pytest.mark.parametrize(
    "switch, rtol",
    [("channels_last", 1e-4), ("fused", 1e-4), ("autocast", 5e-2)],
)
def test_switch_on_cpu_matches_eager_within_tolerance(switch, rtol):
    eager, start = run(Accel())
    asked, _ = run(Accel(**{switch: True}))
    for name in ("D", "G"):
        torch.testing.assert_close(
            torch.tensor(asked.history.losses[name]),
            torch.tensor(eager.history.losses[name]),
            rtol=rtol,
            atol=rtol,
        )
    # bf16 rounds the gradients: Adam's first steps (≈ lr·sign(g)) flip for small g
    assert update_error(asked, eager, start) < (0.5 if switch == "autocast" else 1e-3)


def test_autocast_sees_weights_updated_inside_the_step():
    """Two critic updates in one step: the second forward uses the new weights.

    autocast caches its bf16 copies of weights for the whole region; a step that
    updates weights inside it (n_critic > 1, BEGAN, a chapter's own loop) must
    not get the stale copies, so the trainer turns the cache off.
    """
    torch.manual_seed(0)
    D = torch.nn.Linear(4, 1)
    opt = torch.optim.SGD(D.parameters(), lr=1.0)
    seen = []

    def two_updates(x):
        for _ in range(2):
            y = D(x)  # (B, 1) in bf16
            seen.append(
                (
                    x,
                    y.detach().float(),
                    D.weight.detach().clone(),
                    D.bias.detach().clone(),
                )
            )
            opt.zero_grad()
            y.float().mean().backward()
            opt.step()
        return {"D": y.float().mean().detach()}

    x = torch.randn(8, 4)
    trainer = Trainer(
        two_updates,
        gt.data.TensorBatches(x, 8),
        modules={"D": D},
        optimizers={"D": opt},
        log_every=1,
        progress=False,
        accel=Accel(autocast=True),
    )
    trainer.fit(1)
    (_, y0, w0, _), (x, y1, w1, b1) = seen  # x: the batch as the step got it
    assert not torch.equal(w0, w1)  # the first update moved the weights
    expected = (x.bfloat16() @ w1.bfloat16().T + b1.bfloat16()).float()
    assert torch.allclose(y1, expected, atol=2e-2)
    assert not torch.equal(y0, y1)


def test_channels_last_converts_conv_modules_and_keeps_parameters():
    G, D, opt_G, opt_D = dcgan()
    mlp = gt.models.MLPGenerator(4, 2, hidden=8)
    params = [id(p) for p in G.parameters()]
    names = accel.set_memory_format(
        {"G": G, "D": D, "mlp": mlp}, {"G": opt_G}, torch.channels_last
    )
    assert names == ["G", "D"]
    for module in (G, D):
        convs = [p for p in module.parameters() if p.dim() == 4]
        assert all(p.is_contiguous(memory_format=torch.channels_last) for p in convs)
        assert any(not p.is_contiguous() for p in convs)  # (1-channel ones are both)
    assert [id(p) for p in G.parameters()] == params  # the optimiser's references
    assert opt_G.param_groups[0]["params"][0] is next(G.parameters())


def test_channels_last_gives_existing_optimizer_state_the_parameters_strides():
    G, D, opt_G, opt_D = dcgan()
    gt.steps.gan_step(G, D, opt_G, opt_D)(torch.rand(8, 1, 28, 28) * 2 - 1)
    before = {p: s["exp_avg"].clone() for p, s in opt_D.state.items()}
    accel.set_memory_format({"D": D}, {"D": opt_D}, torch.channels_last)
    for p, state in opt_D.state.items():
        assert state["exp_avg"].stride() == p.stride()
        torch.testing.assert_close(state["exp_avg"], before[p], rtol=0, atol=0)


def test_first_step_goes_contiguous_when_channels_last_breaks_a_view(capsys):
    class ViewD(nn.Module):  # a critic that flattens with .view, as many do
        def __init__(self):
            super().__init__()
            self.conv, self.fc = nn.Conv2d(3, 4, 3), nn.Linear(4 * 26 * 26, 1)

        def forward(self, x):
            return self.fc(self.conv(x).view(len(x), -1)).squeeze(1)

    G = gt.models.MLPGenerator(8, (3, 28, 28), hidden=16, out="tanh")
    D = ViewD()
    opt_G, opt_D = (torch.optim.Adam(m.parameters()) for m in (G, D))
    runner = StepRunner(
        gt.steps.gan_step(G, D, opt_G, opt_D),
        {"G": G, "D": D},
        {"G": opt_G, "D": opt_D},
        Accel(channels_last=True),
        torch.device("cpu"),
    )
    losses = runner(torch.rand(8, 3, 28, 28))
    assert "channels_last off" in capsys.readouterr().out
    assert torch.isfinite(losses["D"]) and D.conv.weight.is_contiguous()
    runner(torch.rand(8, 3, 28, 28))  # and it goes on contiguous


# -- optimisers ------------------------------------------------------------------


def adam_after_one_step(cls=torch.optim.Adam, **kwargs):
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    if cls in (torch.optim.Adam, torch.optim.AdamW):
        kwargs["betas"] = (0.7, 0.9)
    opt = cls(net.parameters(), lr=3e-3, weight_decay=0.1, **kwargs)
    net(torch.randn(5, 3)).sum().backward()
    opt.step()
    return net, opt


@pytest.mark.parametrize("cls", [torch.optim.Adam, torch.optim.AdamW])
def test_upgrade_keeps_hyperparameters_state_and_round_trips(cls):
    if not accel.fused_supported(torch.device("cpu")):
        pytest.skip("this torch has no fused Adam on the CPU")
    net, opt = adam_after_one_step(cls, amsgrad=True)
    groups = copy.deepcopy(
        [{k: v for k, v in g.items() if k != "params"} for g in opt.param_groups]
    )
    state = copy.deepcopy(opt.state_dict()["state"])
    assert accel.upgrade_optimizer(opt, fused=True, capturable=False) == []
    for before, group in zip(groups, opt.param_groups, strict=True):
        assert group["fused"] is True and group["foreach"] is False
        assert {
            k: v for k, v in group.items() if k not in ("params", *accel.FLAGS)
        } == {k: v for k, v in before.items() if k not in accel.FLAGS}
    for i, s in opt.state_dict()["state"].items():
        for key, value in s.items():
            torch.testing.assert_close(value.float(), state[i][key].float())

    twin = copy.deepcopy(net)  # a plain optimiser loads the upgraded one's state
    plain = cls(twin.parameters(), lr=1.0)
    plain.load_state_dict(copy.deepcopy(opt.state_dict()))  # (it shares tensors)
    accel.set_flags(plain, [{"fused": None, "foreach": None}])
    for model, o in ((net, opt), (twin, plain)):
        o.zero_grad()
        model(torch.ones(2, 3)).sum().backward()
        o.step()
    for p, q in zip(net.parameters(), twin.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-5, atol=1e-6)


def test_upgrade_says_why_it_cannot():
    _, sgd = adam_after_one_step(torch.optim.SGD)
    why = accel.upgrade_optimizer(sgd, fused=True, capturable=True)
    assert any("Adam and AdamW only" in w for w in why)
    assert any("no such switch" in w for w in why)
    _, rms = adam_after_one_step(torch.optim.RMSprop)
    assert accel.upgrade_optimizer(rms, fused=False, capturable=True) == []
    assert rms.param_groups[0]["capturable"] is True


def test_set_flags_hosts_the_step_counter_as_adam_does():
    _, opt = adam_after_one_step()
    step = next(iter(opt.state.values()))["step"]
    assert step.device.type == "cpu"
    accel.set_flags(opt, [{"capturable": True}])
    assert next(iter(opt.state.values()))["step"].dtype == torch.float32


def test_checkpoint_keeps_the_optimizers_own_switches(tmp_path):
    if not accel.fused_supported(torch.device("cpu")):
        pytest.skip("this torch has no fused Adam on the CPU")
    fast, _ = run(Accel(fused=True))
    assert fast.optimizers["G"].param_groups[0]["fused"] is True
    fast.save(tmp_path / "run.pt")
    saved = torch.load(tmp_path / "run.pt", weights_only=True)
    assert saved["optimizers"]["G"]["param_groups"][0]["fused"] is None
    plain, _ = run(Accel(), steps=1)
    plain.load(tmp_path / "run.pt")  # (load restores the RNG: one run at a time)
    assert plain.optimizers["G"].param_groups[0]["fused"] is None
    plain.fit(6)
    again, _ = run(Accel(fused=True), steps=1)
    again.load(tmp_path / "run.pt")
    assert again.optimizers["G"].param_groups[0]["fused"] is True
    again.fit(6)
    torch.testing.assert_close(
        torch.tensor(again.history.losses["D"]),
        torch.tensor(plain.history.losses["D"]),
        rtol=1e-4,
        atol=1e-5,
    )


# -- the step runner ---------------------------------------------------------------


def test_gan_step_is_marked_graph_safe():
    G, D, opt_G, opt_D = dcgan()
    assert gt.steps.gan_step(G, D, opt_G, opt_D).graph_safe is True


def test_fingerprint_sees_what_a_graph_bakes_in():
    G, D, opt_G, opt_D = dcgan()
    runner = StepRunner(
        gt.steps.gan_step(G, D, opt_G, opt_D),
        {"G": G, "D": D},
        {"G": opt_G, "D": opt_D},
        Accel(),
        torch.device("cpu"),
    )
    same = runner._fingerprint()
    assert runner._fingerprint() == same
    opt_G.param_groups[0]["lr"] = 1e-3
    assert runner._fingerprint() != same
    opt_G.param_groups[0]["lr"] = 2e-4
    G.eval()
    assert runner._fingerprint() != same
    G.train()
    assert runner._fingerprint() == same
    opt_D.load_state_dict(opt_D.state_dict())  # new state tensors
    assert runner._fingerprint() != same


class FakeGraph:
    """A stand-in for torch.cuda.CUDAGraph on the CPU, to test the runner's logic.

    Capturing runs the step once (a real capture runs nothing), so the first
    replay does nothing; later replays run the step on the static input and
    write the static outputs in place, as a real graph does.
    """

    runner = None

    def __init__(self):
        self.replays = 0

    def replay(self):
        self.replays += 1
        if self.replays > 1:
            r = FakeGraph.runner
            for k, v in r._eager(r.static_batch).items():
                r.static_out[k].copy_(v)


class FakeStream:
    def wait_stream(self, other):
        pass


def graphed_on_cpu(trainer, monkeypatch, warmup=2):
    """Give ``trainer`` a runner that 'captures' with :class:`FakeGraph`."""
    monkeypatch.setattr(torch.cuda, "CUDAGraph", FakeGraph)
    monkeypatch.setattr(torch.cuda, "graph", lambda g, stream: contextlib.nullcontext())
    monkeypatch.setattr(torch.cuda, "stream", lambda s: contextlib.nullcontext())
    monkeypatch.setattr(torch.cuda, "current_stream", FakeStream)
    runner = trainer._runner_for_step()
    runner.use_graph, runner.stream = True, FakeStream()
    runner.accel = dataclasses.replace(runner.accel, warmup=warmup)
    FakeGraph.runner = runner
    return runner


def test_runner_logic_with_a_fake_graph_matches_eager(monkeypatch, capsys):
    eager, _ = run(Accel(), steps=0, log_every=3)
    faked, _ = run(Accel(), steps=0, log_every=3)
    runner = graphed_on_cpu(faked, monkeypatch)
    for trainer in (eager, faked):
        torch.manual_seed(1)  # the same noise z for both runs
        trainer.fit(6)  # 2 warm-up steps, capture, replays
        trainer.optimizers["D"].param_groups[0]["lr"] = 1e-3
        trainer.fit(12)  # a new learning rate: captured again
    assert runner.captures == 2 and runner.graph.replays == 4
    assert "one CUDA graph" in capsys.readouterr().out
    assert faked.history.losses == eager.history.losses  # (each step's own losses)
    for p, q in zip(weights(faked), weights(eager), strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)

    graph = runner.graph
    odd = runner(torch.rand(8, 1, 28, 28) * 2 - 1)  # another batch size: eagerly
    assert runner.graph is graph and graph.replays == 4 and torch.isfinite(odd["D"])
    for i in range(3):  # a schedule that changes lr every step: give up
        faked.optimizers["G"].param_groups[0]["lr"] = 1e-4 / (i + 1)
        faked.fit(faked.step + 4)
    assert not runner.use_graph and "keep changing" in capsys.readouterr().out


def labelled(device="cpu", seed=0, batch=8, accel=None, log_every=3):
    """A conv classifier trained on ``(x, y)`` batches: a step that unpacks a tuple."""
    gt.seed(seed)
    clf = gt.models.Classifier(width=4).to(device)
    opt = torch.optim.Adam(clf.parameters(), 1e-3)

    def step(batch):
        x, y = batch  # (B, 1, 28, 28), (B,)
        loss = nn.functional.cross_entropy(clf(x), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        return {"loss": loss.detach()}

    step.graph_safe = True
    x = torch.rand(4 * batch, 1, 28, 28) * 2 - 1  # (4B, 1, 28, 28)
    y = torch.randint(10, (4 * batch,))  # (4B,)
    return Trainer(
        step,
        gt.data.TensorBatches((x, y), batch, device),
        modules={"clf": clf},
        optimizers={"clf": opt},
        log_every=log_every,
        progress=False,
        accel=accel or Accel(),
    )


def test_runner_keeps_one_static_buffer_per_part(monkeypatch):
    eager, faked = labelled(), labelled()
    runner = graphed_on_cpu(faked, monkeypatch)
    for trainer in (eager, faked):
        torch.manual_seed(1)
        trainer.fit(6)  # 2 warm-up steps, capture, 3 replays
    assert runner.captures == 1 and runner.graph.replays == 4
    x, y = runner.static_batch  # a tuple of static buffers, as the step takes it
    assert x.shape == (8, 1, 28, 28) and y.shape == (8,) and y.dtype == torch.int64
    assert faked.history.losses == eager.history.losses  # y was copied in too
    for p, q in zip(weights(faked), weights(eager), strict=True):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    graph = runner.graph
    labels = torch.randint(10, (8,), dtype=torch.uint8)  # only y's dtype differs
    odd = runner((torch.rand(8, 1, 28, 28) * 2 - 1, labels))
    assert runner.graph is graph and graph.replays == 4  # run eagerly
    assert torch.isfinite(odd["loss"])


def test_runner_formats_4d_parts_and_compares_every_part():
    trainer = labelled(accel=Accel(channels_last=True))
    runner = trainer._runner_for_step()
    x, y = torch.rand(8, 3, 28, 28), torch.arange(8)
    fx, fy = runner._format((x, y))
    assert (
        fx.is_contiguous(memory_format=torch.channels_last) and not fx.is_contiguous()
    )
    assert fy is y  # only 4-d parts (images) change their memory format
    torch.testing.assert_close(fx, x, rtol=0, atol=0)
    assert runner._format(x).is_contiguous(memory_format=torch.channels_last)
    layout = runner._layout((x, y))
    assert runner._layout((x.clone(), y.clone())) == layout
    assert runner._layout((x, y.float())) != layout  # a dtype of the second part
    assert runner._layout((x, y[:4])) != layout  # a shape of the second part
    assert runner._layout((x, y, y)) != layout  # another number of parts
    assert runner._layout(x) != runner._layout((x,))  # a tensor is not a 1-tuple


def test_precision_flags_are_restored():
    matmul = torch.backends.cuda.matmul
    before = (matmul.fp32_precision, torch.backends.cudnn.benchmark)
    with accel.precision(Accel(tf32=True, cudnn_benchmark=True)):
        assert matmul.fp32_precision == "tf32" and torch.backends.cudnn.benchmark
    assert (matmul.fp32_precision, torch.backends.cudnn.benchmark) == before


# -- on a CUDA device ----------------------------------------------------------------


@pytest.fixture
def strict_fp32():
    """No TF32 and deterministic cuDNN: an eager and a graphed step compare closely."""
    saved = torch.backends.cudnn.deterministic
    torch.backends.cudnn.deterministic = True
    with gt.runtime.tf32(False):
        yield
    torch.backends.cudnn.deterministic = saved


@on_cuda
@pytest.mark.parametrize("img_size, channels", [(32, 3), (28, 1)])
@pytest.mark.usefixtures("strict_fp32")
def test_cuda_graph_step_matches_eager_fp32(img_size, channels, capsys):
    size = dict(img_size=img_size, channels=channels, width=16)
    fused = Accel(fused=True, warmup=2)
    eager, start = run(fused, steps=8, device="cuda", batch=32, log_every=4, **size)
    graphed, _ = run(
        dataclasses.replace(fused, cuda_graph=True),
        steps=8,
        device="cuda",
        batch=32,
        log_every=4,
        **size,
    )
    assert "one CUDA graph" in capsys.readouterr().out
    assert graphed._runner.graph is not None and graphed._runner.captures == 1
    for name in ("D", "G"):  # steps 3-8 are graph replays
        torch.testing.assert_close(
            torch.tensor(graphed.history.losses[name]),
            torch.tensor(eager.history.losses[name]),
            rtol=1e-3,
            atol=1e-4,
        )
    assert update_error(graphed, eager, start) < 0.05


@on_cuda
@pytest.mark.usefixtures("strict_fp32")
def test_full_gpu_path_close_to_strict_fp32_eager():
    size = dict(img_size=32, channels=3, width=16)
    eager, start = run(Accel(), steps=6, device="cuda", batch=32, **size)
    fast, _ = run(
        dataclasses.replace(Accel.for_device("cuda"), warmup=2),
        steps=6,
        device="cuda",
        batch=32,
        **size,
    )
    assert fast._runner.graph is not None
    assert next(fast.modules["D"].parameters()).is_contiguous(
        memory_format=torch.channels_last
    )
    assert fast.optimizers["D"].param_groups[0]["fused"] is True
    for name in ("D", "G"):  # bf16 keeps ~3 significant digits
        torch.testing.assert_close(
            torch.tensor(fast.history.losses[name]),
            torch.tensor(eager.history.losses[name]),
            rtol=5e-2,
            atol=5e-2,
        )
    assert update_error(fast, eager, start) < 0.6


@on_cuda
@pytest.mark.usefixtures("strict_fp32")
def test_cuda_graph_checkpoint_resumes_and_loads_on_cpu(tmp_path):
    acc = Accel(fused=True, cuda_graph=True, warmup=2)
    straight, _ = run(acc, steps=20, device="cuda", log_every=5)
    first, _ = run(acc, steps=10, device="cuda", log_every=5)
    first.save(tmp_path / "run.pt")
    first.load(tmp_path / "run.pt")  # the same trainer: its graph is captured again
    first.fit(20)
    assert first._runner.captures == 2
    torch.testing.assert_close(
        torch.tensor(first.history.losses["D"]),
        torch.tensor(straight.history.losses["D"]),
        rtol=1e-3,
        atol=1e-4,
    )
    on_cpu, _ = run(Accel(), steps=1)
    on_cpu.load(tmp_path / "run.pt")
    on_cpu.fit(12)  # a GPU checkpoint trains on in a plain CPU trainer
    assert on_cpu.history.steps[-1] == 12


@on_cuda
def test_cuda_graph_recaptures_on_new_learning_rate_then_gives_up(capsys):
    trainer, _ = run(
        Accel(fused=True, cuda_graph=True, warmup=1),
        steps=3,
        device="cuda",
        log_every=1,
    )
    runner = trainer._runner
    assert runner.captures == 1
    for i in range(1, 4):
        trainer.optimizers["G"].param_groups[0]["lr"] = 1e-4 / i
        trainer.fit(trainer.step + 3)
    assert runner.captures == 3 and not runner.use_graph
    assert "keep changing" in capsys.readouterr().out
    trainer.fit(trainer.step + 3)  # eagerly, without errors
    assert trainer.optimizers["G"].param_groups[0]["capturable"] is False
    assert all(
        torch.isfinite(torch.tensor(v)).all() for v in trainer.history.losses.values()
    )


@on_cuda
def test_failed_capture_falls_back_to_eager(capsys):
    G, D, opt_G, opt_D = dcgan("cuda")
    inner = gt.steps.gan_step(G, D, opt_G, opt_D)

    def syncing_step(x):
        losses = inner(x)
        losses["D"].item()  # a host sync: not allowed while capturing
        return losses

    syncing_step.graph_safe = True  # wrongly claimed
    trainer = Trainer(
        syncing_step,
        gt.data.TensorBatches(torch.rand(64, 1, 28, 28, device="cuda"), 16, "cuda"),
        modules={"G": G, "D": D},
        optimizers={"G": opt_G, "D": opt_D},
        log_every=2,
        progress=False,
        accel=Accel(fused=True, cuda_graph=True, warmup=1),
    )
    trainer.fit(6)
    assert "capture failed" in capsys.readouterr().out
    assert not trainer._runner.use_graph and len(trainer.history.steps) == 6
    assert all(
        torch.isfinite(torch.tensor(v)).all() for v in trainer.history.losses.values()
    )


@on_cuda
@pytest.mark.usefixtures("strict_fp32")
def test_cuda_graph_with_tuple_batches_matches_eager(capsys):
    acc = Accel(fused=True, warmup=2)
    eager = labelled("cuda", batch=32, accel=acc, log_every=4)
    graphed = labelled(
        "cuda", batch=32, accel=dataclasses.replace(acc, cuda_graph=True), log_every=4
    )
    for trainer in (eager, graphed):
        torch.manual_seed(1)
        trainer.fit(8)
    assert "one CUDA graph" in capsys.readouterr().out
    runner = graphed._runner
    assert runner.graph is not None and runner.captures == 1
    assert [p.shape for p in runner.static_batch] == [(32, 1, 28, 28), (32,)]
    torch.testing.assert_close(  # steps 3-8 are replays: y copied in each time
        torch.tensor(graphed.history.losses["loss"]),
        torch.tensor(eager.history.losses["loss"]),
        rtol=1e-3,
        atol=1e-4,
    )
    fast = labelled("cuda", batch=32, accel=Accel.for_device("cuda"))
    fast.fit(6)  # channels_last images, int64 labels, bf16: captured and finite
    assert fast._runner.graph is not None
    assert all(torch.isfinite(torch.tensor(fast.history.losses["loss"])))


@pytest.mark.parametrize(("capability", "bf16"), [((7, 5), False), ((8, 0), True)])
def test_bf16_only_where_the_gpu_has_it_natively(monkeypatch, capability, bf16):
    # a Colab T4 (7.5) emulates bf16 and torch says it is supported: train in fp32
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda d=None: capability)
    chosen = Accel.for_device("cuda")
    assert chosen.autocast is bf16 and chosen.channels_last is bf16
    assert chosen.tf32 and chosen.fused and chosen.cuda_graph
