"""Fréchet distance: pytorch-fid's scipy ``sqrtm`` route against gantutor's.

    python benchmarks/fid.py            # 2048-d, as Inception pool3
    python benchmarks/fid.py --dim 512
    python benchmarks/fid.py --quick    # 256-d, a CI-sized run

Both get the same statistics: means and covariances of ``2 × dim`` Gaussian
samples with random correlations, in float64. One timed run of each; the CUDA
route (float64 on the GPU, when there is one) gets one untimed warm-up on a small
matrix first, so cuSOLVER's start-up is not counted.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
from pytorch_fid.fid_score import calculate_frechet_distance

from gantutor.metrics import frechet_distance


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


if __name__ == "__main__":
    main()
