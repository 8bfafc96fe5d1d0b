"""Train the small BigGAN on MNIST-32, in one process or data-parallel with torchrun.

    python benchmarks/train_biggan.py --steps 200                    # one process
    torchrun --standalone --nproc_per_node=4 benchmarks/train_biggan.py \\
        --steps 2000 --batch-size 64 --checkpoint runs/biggan.pt     # 4 GPUs

``--batch-size`` is per process: N processes train on batches of N × B. Every
process seeds the same, draws the whole batch (data order and noise) and keeps
its share, so N processes take the steps one process would take on N × B, up to
BatchNorm statistics (cross-replica ``SyncBatchNorm`` on CUDA) and rounding
(:mod:`gantutor.train.distributed`; the test ``tests/test_train_distributed.py``
checks it with 2 gloo processes). Only rank 0 prints and writes the checkpoint;
``--resume`` starts every process from it. With ``--json`` rank 0 writes the
steps/s and images/s (all processes' images) of the run.

Brock, Donahue & Simonyan (2018, arXiv:1809.11096); chapter *BigGAN*.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import time
from pathlib import Path

import torch

import gantutor as gt
from gantutor.steps.biggan import class_noise
from gantutor.train import distributed
from gantutor.train.accel import Accel


def parse() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--batch-size", type=int, default=64, help="per process")
    p.add_argument("--width", type=int, default=16)
    p.add_argument("--n-critic", type=int, default=1, help="the paper used 2")
    p.add_argument("--lr-g", type=float, default=1e-4)
    p.add_argument("--lr-d", type=float, default=4e-4)
    p.add_argument("--beta-ortho", type=float, default=1e-4)
    p.add_argument("--ema", type=float, default=0.999, help="decay of G's average")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--checkpoint", type=Path, default=None)
    p.add_argument("--resume", action="store_true")
    p.add_argument("--json", type=Path, default=None)
    return p.parse_args()


def build(args: argparse.Namespace, replicas: distributed.Replicas):
    """Networks, optimisers, the sharded data and the step of one process."""
    device = replicas.device
    G = gt.models.BigGANGenerator(64, 10, 32, 1, width=args.width).to(device)
    D = gt.models.BigGANDiscriminator(10, 32, 1, width=args.width).to(device)
    opt_G = torch.optim.Adam(G.parameters(), lr=args.lr_g, betas=(0.0, 0.999))
    opt_D = torch.optim.Adam(D.parameters(), lr=args.lr_d, betas=(0.0, 0.999))
    ema = gt.train.EMA(G, beta=args.ema)
    data = gt.data.mnist("train", size=32)
    whole = gt.data.TensorBatches(
        (data.x, data.y), replicas.world_size * args.batch_size, device
    )
    noise = replicas.shard_noise(class_noise(G.latent_dim, G.n_classes))
    step = gt.steps.biggan_step(
        distributed.wrap(G, replicas), distributed.wrap(D, replicas), opt_G, opt_D,
        n_critic=args.n_critic, beta_ortho=args.beta_ortho, noise=noise,
    )  # fmt: skip
    # channels_last would change the parameters' layout after DDP has bucketed them
    accel = dataclasses.replace(Accel.for_device(device), channels_last=False)
    return gt.train.Trainer(
        step, replicas.shard_batches(whole),
        modules={"G": G, "D": D, "G_ema": ema.ema},
        optimizers={"G": opt_G, "D": opt_D}, callbacks=[ema], log_every=50,
        checkpoint=replicas.main_only(args.checkpoint), checkpoint_every=500,
        device=device, progress=replicas.main, accel=accel,
    )  # fmt: skip


def main() -> None:
    args = parse()
    replicas = distributed.init()
    gt.seed(args.seed)  # the same on every process: each keeps its share
    trainer = build(args, replicas)
    if args.resume:
        trainer.load(args.checkpoint)
    start, clock = trainer.step, time.perf_counter()
    trainer.fit(args.steps)
    seconds, steps = time.perf_counter() - clock, trainer.step - start
    images = steps * args.batch_size * args.n_critic * replicas.world_size
    if replicas.main:
        row = {
            "processes": replicas.world_size, "device": str(replicas.device),
            "batch_per_process": args.batch_size, "steps": steps,
            "steps_per_s": steps / seconds, "images_per_s": images / seconds,
        }  # fmt: skip
        print(json.dumps(row))
        if args.json:
            args.json.write_text(json.dumps(row, indent=1) + "\n")
    distributed.close()


if __name__ == "__main__":
    main()
