"""GAN training steps per second: gantutor's Trainer against a reference-style loop.

    python benchmarks/train_step.py              # DCGAN-64 at 128 and 512, MLP at 64
    python benchmarks/train_step.py --cases dcgan64:128 --steps 300 --json out.json
    python benchmarks/train_step.py --quick      # tiny sizes, a CI-sized run
    python benchmarks/train_step.py --ablate     # + each GPU switch off in turn
    python benchmarks/train_step.py --profile dcgan64:128   # where a step's time goes

Each case runs in one process three ways, on the same device-resident data:

* ``reference``: the loop of the PyTorch DCGAN example (pytorch/examples, dcgan):
  fp32, eager, ``nn.Sigmoid`` at D's end and ``nn.BCELoss``, ``Adam(lr=2e-4,
  betas=(0.5, 0.999))``, a ``.item()`` per logged value every step;
* ``gantutor eager``: :func:`gantutor.steps.gan_step` in the Trainer, all
  :class:`gantutor.train.accel.Accel` switches off;
* ``gantutor``: the same through the Trainer's default path for the device (on
  CUDA: bf16, TF32, channels_last, fused Adam, the whole step as one CUDA graph).

Warm-up steps (and the graph capture) are not timed; the clock is read after
``torch.cuda.synchronize()``. images/s counts real images consumed per second.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from collections.abc import Callable

import torch
from torch import nn

import gantutor as gt
from gantutor.train import Trainer
from gantutor.train.accel import Accel

LATENT_DIM = 100  # nz in the PyTorch example
MODELS: dict[str, Callable[[], tuple[nn.Module, nn.Module]]] = {
    "dcgan64": lambda: (
        gt.models.DCGANGenerator(LATENT_DIM, 64, 3, 64),
        gt.models.DCGANDiscriminator(64, 3, 64),
    ),
    "mlp": lambda: (  # MNIST-size: ~1M parameters per net
        gt.models.MLPGenerator(LATENT_DIM, (1, 28, 28), 512, depth=3, out="tanh"),
        gt.models.MLPDiscriminator((1, 28, 28), 512, depth=3),
    ),
    "dcgan-tiny": lambda: (
        gt.models.DCGANGenerator(LATENT_DIM, 32, 3, 8),
        gt.models.DCGANDiscriminator(32, 3, 8),
    ),
    "mlp-tiny": lambda: (
        gt.models.MLPGenerator(LATENT_DIM, (1, 28, 28), 32, depth=2, out="tanh"),
        gt.models.MLPDiscriminator((1, 28, 28), 32, depth=2),
    ),
}
STEPS = {"dcgan64:512": 100, "dcgan64:128": 200}  # timed steps, else --steps


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def adam(module: nn.Module) -> torch.optim.Adam:
    return torch.optim.Adam(module.parameters(), lr=2e-4, betas=(0.5, 0.999))


def reference_loop(
    G, D, batches, steps: int, warmup: int, device, autotune: bool = True
) -> float:
    """The PyTorch DCGAN example's loop; returns the seconds of ``steps`` steps."""
    benchmark = torch.backends.cudnn.benchmark
    torch.backends.cudnn.benchmark = autotune  # the example sets it (True)
    netD = nn.Sequential(D, nn.Sigmoid())  # the example's D ends with a sigmoid
    criterion = nn.BCELoss()
    optimizerD, optimizerG = adam(D), adam(G)
    for i in range(warmup + steps):
        if i == warmup:
            sync(device)
            started = time.perf_counter()
        real = next(batches)
        b_size = real.size(0)
        netD.zero_grad()
        label = torch.full((b_size,), 1.0, device=device)
        output = netD(real).view(-1)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()
        noise = torch.randn(b_size, LATENT_DIM, device=device)
        fake = G(noise)
        label.fill_(0.0)
        output = netD(fake.detach()).view(-1)
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()
        G.zero_grad()
        label.fill_(1.0)
        output = netD(fake).view(-1)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()
        logged = (errD.item(), errG.item(), D_x, D_G_z1, D_G_z2)  # noqa: F841
    sync(device)
    torch.backends.cudnn.benchmark = benchmark
    return time.perf_counter() - started


def gantutor_trainer(G, D, batches, accel, log_every) -> Trainer:
    """gan_step with Adam as in the example, in the Trainer."""
    opt_G, opt_D = adam(G), adam(D)
    return Trainer(
        gt.steps.gan_step(G, D, opt_G, opt_D, "non-saturating"),
        batches,
        modules={"G": G, "D": D},
        optimizers={"G": opt_G, "D": opt_D},
        log_every=log_every,
        progress=False,
        accel=accel,
    )


def gantutor_loop(G, D, batches, steps, warmup, device, accel, log_every) -> float:
    """gan_step in the Trainer; returns the seconds of ``steps`` steps."""
    trainer = gantutor_trainer(G, D, batches, accel, log_every)
    trainer.fit(warmup)  # includes the capture of the CUDA graph
    sync(device)
    started = time.perf_counter()
    trainer.fit(warmup + steps)
    sync(device)
    return time.perf_counter() - started


def run_case(
    name: str, batch: int, steps: int, warmup: int, device, log_every, ablate=False
):
    """The three ways of one case (and the ablations) -> rows of the table."""
    ways = [("reference", None), ("gantutor eager", Accel())]
    best = Accel.for_device(device)
    if best != Accel():  # on the CPU both are eager
        ways.append(("gantutor", best))
    if ablate:  # each switch that is on, off in turn
        if device.type == "cuda":
            ways.insert(1, ("reference, no autotune", "no autotune"))
        for switch in ("cuda_graph", "autocast", "channels_last", "fused", "tf32"):
            if getattr(best, switch):
                ways.append(
                    (f"  - {switch}", dataclasses.replace(best, **{switch: False}))
                )
    rows = []
    for way, accel in ways:
        torch.manual_seed(0)
        G, D = (m.to(device) for m in MODELS[name]())
        n_params = [gt.models.count_parameters(m) for m in (G, D)]
        x = torch.rand(8 * batch, *D.in_shape, device=device) * 2 - 1  # (8B, C, H, W)
        batches = gt.data.TensorBatches(x, batch, device)
        if accel is None or accel == "no autotune":
            autotune = accel is None
            seconds = reference_loop(G, D, batches, steps, warmup, device, autotune)
        else:
            args = (G, D, batches, steps, warmup, device, accel, log_every)
            seconds = gantutor_loop(*args)
        rows.append(
            dict(
                model=name,
                batch=batch,
                params_G=n_params[0],
                params_D=n_params[1],
                way=way,
                accel=dataclasses.asdict(accel) if isinstance(accel, Accel) else None,
                steps=steps,
                seconds=seconds,
                it_per_s=steps / seconds,
                images_per_s=steps * batch / seconds,
            )
        )
        del G, D, x, batches
        if device.type == "cuda":
            torch.cuda.empty_cache()
    for row in rows:
        row["ratio"] = row["it_per_s"] / rows[0]["it_per_s"]
    return rows


def profile(name: str, batch: int, device, steps: int = 20, top: int = 25) -> None:
    """The CUDA kernels of the accelerated step, by total time (run eagerly, so
    the profiler sees each kernel; a graph replays the same kernels)."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    torch.manual_seed(0)
    G, D = (m.to(device) for m in MODELS[name]())
    x = torch.rand(8 * batch, *D.in_shape, device=device) * 2 - 1
    batches = gt.data.TensorBatches(x, batch, device)
    accel = dataclasses.replace(Accel.for_device(device), cuda_graph=False)
    activities = [ProfilerActivity.CPU]
    if device.type == "cuda":
        activities.append(ProfilerActivity.CUDA)
    trainer = gantutor_trainer(G, D, batches, accel, log_every=50)
    trainer.fit(10)  # lazy initialisation, cuDNN autotuning
    sync(device)
    with torch_profile(activities=activities) as prof:
        trainer.fit(10 + steps)
        sync(device)
    key = "self_device_time_total" if device.type == "cuda" else "self_cpu_time_total"
    events = prof.key_averages()
    print(f"{name} at batch {batch}, {steps} steps, {accel}:")
    print(events.table(sort_by=key, row_limit=top, max_name_column_width=70))
    if device.type == "cuda":
        kernels = [  # not the annotations ("Optimizer.step#Adam.step"): kernels twice
            e
            for e in events
            if e.device_type.name == "CUDA"
            and not getattr(e, "is_user_annotation", False)
        ]
        total = sum(e.self_device_time_total for e in kernels)
        groups = {
            "convolution / gemm": (
                "conv",
                "gemm",
                "xmma",
                "cutlass",
                "sm90",
                "implicit",
                "dgrad",
                "wgrad",
                "fprop",
            ),
            "batch norm": ("batch_norm", "bn_", "welford", "batchnorm"),
            "optimizer": ("adam", "foreach", "fused"),
        }
        spent = dict.fromkeys([*groups, "other (elementwise, copies, ...)"], 0.0)
        for e in kernels:
            label = next(
                (
                    g
                    for g, words in groups.items()
                    if any(w in e.key.lower() for w in words)
                ),
                "other (elementwise, copies, ...)",
            )
            spent[label] += e.self_device_time_total
        print(
            f"GPU time per step {total / steps / 1e3:.3f} ms "
            f"(bound: {steps * 1e6 / max(total, 1):.0f} it/s if launches were free)"
        )
        for label, us in spent.items():
            print(f"  {label:34} {us / steps / 1e3:7.3f} ms  {us / max(total, 1):6.1%}")


def print_table(rows: list[dict]) -> None:
    print(
        f"{'model':10} {'batch':>5} {'params G/D':>13} {'way':22} "
        f"{'it/s':>8} {'images/s':>10} {'× ref':>6}"
    )
    for r in rows:
        params = f"{r['params_G'] / 1e6:.2f}M/{r['params_D'] / 1e6:.2f}M"
        print(
            f"{r['model']:10} {r['batch']:5d} {params:>13} {r['way']:22} "
            f"{r['it_per_s']:8.1f} {r['images_per_s']:10.0f} {r['ratio']:6.2f}"
        )
    for r in rows:
        if r["way"] == "gantutor":
            verdict = "meets" if r["ratio"] >= 5 else "misses"
            print(
                f"{r['model']} at batch {r['batch']}: gantutor runs "
                f"{r['ratio']:.1f}× the reference loop ({verdict} the 5× target)"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", default="dcgan64:128,dcgan64:512,mlp:64")
    parser.add_argument("--steps", type=int, default=300, help="timed steps")
    parser.add_argument("--warmup", type=int, default=20, help="untimed steps")
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--device", default=None, help="default: cuda if available")
    parser.add_argument("--json", default=None, help="also write the rows here")
    parser.add_argument("--quick", action="store_true", help="tiny nets, few steps")
    parser.add_argument("--ablate", action="store_true", help="each switch off too")
    parser.add_argument(
        "--profile",
        default=None,
        metavar="CASE",
        help="only profile CASE (e.g. dcgan64:128)",
    )
    args = parser.parse_args()
    if args.quick:
        args.cases, args.steps, args.warmup = "dcgan-tiny:8,mlp-tiny:16", 6, 4
        args.log_every = 3
    device = torch.device(args.device or gt.device())
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(
        f"device {device} ({where}), torch {torch.__version__}, "
        f"threads {torch.get_num_threads()}; gantutor path: "
        f"{Accel.for_device(device)}"
    )
    if args.profile:
        name, batch = args.profile.split(":")
        profile(name, int(batch), device, steps=4 if args.quick else 20)
        return
    rows = []
    for case in args.cases.split(","):
        name, batch = case.split(":")
        if name not in MODELS:
            raise ValueError(f"unknown model {name!r}; known: {', '.join(MODELS)}")
        steps = args.steps if args.quick else STEPS.get(case, args.steps)
        rows += run_case(
            name, int(batch), steps, args.warmup, device, args.log_every, args.ablate
        )
    print_table(rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": where, "torch": torch.__version__, "rows": rows}, f)


if __name__ == "__main__":
    main()
