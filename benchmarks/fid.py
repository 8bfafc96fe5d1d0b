"""Fréchet distance: pytorch-fid's scipy ``sqrtm`` route against gantutor's.

    python benchmarks/fid.py            # 2048-d, as Inception pool3
    python benchmarks/fid.py --dim 512
    python benchmarks/fid.py --quick    # 256-d, a CI-sized run
    python benchmarks/fid.py --end-to-end --n 50000   # then FID's whole cost

Both get the same statistics: means and covariances of ``2 × dim`` Gaussian
samples with random correlations, in float64. One timed run of each; the CUDA
route (float64 on the GPU, when there is one) gets one untimed warm-up on a small
matrix first, so cuSOLVER's start-up is not counted.

``--end-to-end`` then times FID as a chapter pays for it, for ``--n`` samples:
make them (a DCGAN-64 generator; real digits for mnist-cnn), extract features,
reduce them to float64 statistics on the device, take the distance to reference
statistics. Each precision of :mod:`gantutor.metrics.precision` (strict fp32,
TF32, bf16 autocast with channels_last), as ``metrics.fid(..., precision=...)``
runs it, gets the same samples and the same reference statistics; the FID shift
relative to strict fp32 is reported. The FID
Inception weights cannot be downloaded here: ``inception`` is pytorch-fid's
Inception-v3 with random weights whose BatchNorm statistics are re-estimated on
the reference images (with the default statistics a random net's activations
fade layer by layer and every image gets the same features: FID ≈ 1e-16). Right
for timing; for shifts only a proxy of the real weights. ``mnist-cnn`` has real
weights. Extractors run in the order given (``mnist-cnn`` first: it is quick).
"""

from __future__ import annotations

import argparse
import json
import time

import numpy as np
import torch
from pytorch_fid.fid_score import calculate_frechet_distance

import gantutor as gt
from gantutor import metrics
from gantutor.metrics import extractors, frechet_distance
from gantutor.metrics.precision import arithmetic


def make_statistics(dim: int, seed: int) -> list[np.ndarray]:
    """mu1, sigma1, mu2, sigma2 of two sets of 2 × dim correlated samples."""
    gen = np.random.default_rng(seed)
    stats = []
    for _ in range(2):
        mix = gen.normal(size=(dim, dim)) / np.sqrt(dim)
        x = gen.normal(size=(2 * dim, dim)) @ mix + gen.normal(size=dim)
        stats += [x.mean(axis=0), np.cov(x, rowvar=False)]
    return stats


def timed(fn, *args) -> tuple[float, float]:
    started = time.perf_counter()
    value = fn(*args)
    return float(value), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dim", type=int, default=2048)
    parser.add_argument("--quick", action="store_true", help="dim 256 (< 20 s)")
    parser.add_argument("--seed", type=int, default=0)
    add_end_to_end_arguments(parser)
    args = parser.parse_args()
    dim = 256 if args.quick else args.dim
    mu1, sigma1, mu2, sigma2 = make_statistics(dim, args.seed)

    stats = (mu1, sigma1, mu2, sigma2)
    routes = [
        ("pytorch-fid (scipy sqrtm)", "cpu", calculate_frechet_distance, stats),
        ("gantutor (Cholesky + eigvalsh)", "cpu", frechet_distance, stats),
    ]
    if torch.cuda.is_available():
        mu, sigma = torch.zeros(8).double().cuda(), torch.eye(8).double().cuda()
        frechet_distance(mu, sigma, mu, sigma)  # warm-up: cuSOLVER start-up
        on_gpu = tuple(torch.from_numpy(a).cuda() for a in stats)
        routes.append(
            ("gantutor (Cholesky + eigvalsh)", "cuda", frechet_distance, on_gpu)
        )
    rows = [(name, device, *timed(fn, *args)) for name, device, fn, args in routes]

    reference = rows[0][2]
    print(f"Fréchet distance, d = {dim}, float64, one run each")
    print(f"{'method':32} {'device':6} {'seconds':>9} {'FID':>14} {'rel. diff':>10}")
    for method, device, value, seconds in rows:
        diff = abs(value - reference) / abs(reference)
        print(f"{method:32} {device:6} {seconds:9.3f} {value:14.6f} {diff:10.1e}")
    if args.end_to_end:
        print()
        end_to_end(args)


# -- the end-to-end cost of FID ------------------------------------------------------

SETTINGS = metrics.PRECISIONS  # fp32 (strict), tf32, bf16 (+ channels_last on CUDA)


def add_end_to_end_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("end to end")
    group.add_argument("--end-to-end", action="store_true")
    group.add_argument("--n", type=int, default=50_000, help="generated samples")
    group.add_argument("--n-ref", type=int, default=10_000, help="reference samples")
    group.add_argument("--batch-size", type=int, default=500)
    group.add_argument("--extractors", default="mnist-cnn,inception")
    group.add_argument("--json", default=None, help="also write the rows here")


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


@torch.no_grad()
def generated(n: int, batch_size: int, device: torch.device, seed: int) -> torch.Tensor:
    """n images (n, 3, 64, 64) from a randomly initialised DCGAN-64, in fp32."""
    torch.manual_seed(seed)
    G = gt.models.DCGANGenerator(100, 64, 3, 64).to(device).eval()
    gen = torch.Generator(device).manual_seed(seed)
    with arithmetic("fp32", device):
        return torch.cat(
            [
                G(
                    torch.randn(
                        min(batch_size, n - i), 100, device=device, generator=gen
                    )
                )
                for i in range(0, n, batch_size)
            ]
        )


def samples(name: str, n: int, n_ref: int, batch_size: int, device: torch.device):
    """(samples, reference images, what they are, seconds to make the samples)."""
    if name == "mnist-cnn":
        train, test = gt.data.mnist("train"), gt.data.mnist("test")
        x, x_ref = train.x[:n].to(device), test.x[:n_ref].to(device)
        return x, x_ref, f"{len(x)} real training digits vs {len(x_ref)} test", 0.0
    sync(device)
    started = time.perf_counter()
    x = generated(n, batch_size, device, seed=0)
    sync(device)
    seconds = time.perf_counter() - started
    x_ref = generated(n_ref, batch_size, device, seed=1)
    what = f"{n} images of one random DCGAN-64 vs {n_ref} of another"
    return x, x_ref, what, seconds


@torch.no_grad()
def calibrate_batch_norm(ex, x: torch.Tensor, batch_size: int) -> None:
    """Re-estimate every BatchNorm's statistics on ``x`` (a cumulative average)."""
    norms = [
        m for m in ex.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)
    ]
    for m in norms:
        m.reset_running_stats()
        m.momentum = None  # cumulative: every batch counts the same
    ex.train()
    with arithmetic("fp32", next(ex.parameters()).device):
        for batch in x.split(batch_size):
            ex(batch)  # images in [-1, 1], as the extractor expects
    ex.eval()


def timed_fid(ex, x, reference, setting: str, batch_size: int, device) -> tuple:
    """FID of images ``x`` against ``reference`` statistics, and its seconds."""
    sync(device)
    started = time.perf_counter()
    value = metrics.fid(
        reference,
        x.split(batch_size),
        features=ex,
        pixel_range="[-1,1]",
        batch_size=batch_size,
        device=device,
        progress=False,
        precision=setting,
    )
    sync(device)
    return value, time.perf_counter() - started


def end_to_end(args: argparse.Namespace) -> None:
    device = gt.device()
    where = torch.cuda.get_device_name(device) if device.type == "cuda" else "CPU"
    print(f"End-to-end FID cost on {device} ({where}), torch {torch.__version__}")
    if device.type != "cuda":
        print("(on the CPU, TF32 changes nothing: its row repeats fp32)")
    rows, best = [], {}
    for name in args.extractors.split(","):
        if name == "inception":
            ex = extractors.inception_untrained_for_tests().to(device)
            calibrate_batch_norm(
                ex, generated(args.n_ref, args.batch_size, device, 2), args.batch_size
            )
        else:
            ex = extractors.extractor(name, device)
        x, x_ref, what, make_seconds = samples(
            name, args.n, args.n_ref, args.batch_size, device
        )
        ref_features = metrics.iter_features(
            x_ref.split(args.batch_size), ex, "[-1,1]", progress=False, precision="fp32"
        )
        reference = metrics.statistics(ref_features, ex.name)
        timed_fid(
            ex, x[: 2 * args.batch_size], reference, "bf16", args.batch_size, device
        )  # warm-up: cuDNN and cuBLAS start-up, bf16 kernels
        print(f"{ex.name}: {what}; generating took {make_seconds:.2f} s")
        print(f"{'setting':20} {'seconds':>8} {'images/s':>9} {'FID':>14} {'shift':>9}")
        fid_fp32 = None
        for setting in SETTINGS:
            value, seconds = timed_fid(
                ex, x, reference, setting, args.batch_size, device
            )
            fid_fp32 = value if fid_fp32 is None else fid_fp32
            shift = abs(value - fid_fp32) / abs(fid_fp32)
            total = seconds + make_seconds
            print(
                f"{setting:20} {total:8.2f} {len(x) / total:9.1f} {value:14.6g} "
                f"{shift:9.2%}"
            )
            rows.append(
                dict(
                    extractor=ex.name,
                    setting=setting,
                    n=len(x),
                    seconds=total,
                    generate_seconds=make_seconds,
                    fid=value,
                    rel_shift=shift,
                )
            )
        ok = [r for r in rows if r["extractor"] == ex.name and r["rel_shift"] <= 1e-3]
        best[ex.name] = min(ok, key=lambda r: r["seconds"])["setting"]
        print(
            f"fastest setting with a shift <= 0.1 %: {best[ex.name]} "
            f"(the package's default on {device.type}: "
            f"{metrics.precision.default_precision(device)})"
        )
    if "inception" in args.extractors:
        print(
            "inception-untrained has random weights (the FID weights are not "
            "available offline): its timings are Inception-v3's; its FID values "
            "and shifts are only indicative."
        )
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"device": where, "rows": rows, "fastest": best}, f)


if __name__ == "__main__":
    main()
