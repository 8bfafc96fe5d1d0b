"""Part 6's graded checks: the Fréchet distance, its bias in n, FD∞ and the curve."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence

import torch
from torch import Tensor

from gantutor import metrics
from gantutor.grading.core import (
    Case,
    Mistake,
    as_tensor,
    check_function,
    fail,
    outcome,
    raised,
)


def reference_fd(f1: Tensor, f2: Tensor) -> float:
    """The Fréchet distance between the Gaussians fitted to two sets of features."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # n < d is a case we test on purpose
        s1, s2 = metrics.statistics(f1), metrics.statistics(f2)
    return metrics.frechet_distance_of(s1, s2)


def _fd_by(cov: Callable[[Tensor], Tensor], tr_sqrt: Callable) -> Callable:
    """A Fréchet distance with another covariance or trace term: known mistakes."""

    def fd(f1: Tensor, f2: Tensor) -> float:
        f1, f2 = f1.double(), f2.double()
        s1, s2 = cov(f1), cov(f2)
        diff = f1.mean(0) - f2.mean(0)
        return float(diff @ diff + s1.trace() + s2.trace() - 2 * tr_sqrt(s1, s2))

    return fd


def _sym_sqrt(s: Tensor) -> Tensor:
    w, v = torch.linalg.eigh(s)
    return (v * w.clamp_min(0).sqrt()) @ v.T


def _tr_sqrt(s1: Tensor, s2: Tensor) -> Tensor:
    r = _sym_sqrt(s1)
    return torch.linalg.eigvalsh(r @ s2 @ r).clamp_min(0).sqrt().sum()


def _unbiased(f: Tensor) -> Tensor:
    return torch.cov(f.T).reshape(f.shape[1], f.shape[1])  # (d, d), also for d = 1


def _biased(f: Tensor) -> Tensor:
    return torch.cov(f.T, correction=0).reshape(f.shape[1], f.shape[1])


def check_frechet_distance(fn: Callable[[Tensor, Tensor], float]) -> None:
    """``fn(f1, f2)`` is the Fréchet distance of two feature sets (n, d), float32."""
    __tracebackhide__ = True
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        mix = torch.randn(32, 32) / 32**0.5
        wide = torch.randn(400, 32) @ mix * 10 + 100  # features of scale 100
        cases = [
            Case("of 1-D features", (torch.randn(50, 1) * 2 + 1, torch.randn(60, 1))),
            Case(
                "of 8-D features, 200 each",
                (torch.randn(200, 8), torch.randn(200, 8) * 1.5 + 0.5),
            ),
            Case(
                "of two halves of one set of 32-D features near 100",
                (wide[:200], wide[200:]),
            ),
            Case(
                "of fewer samples than dimensions (n = 10 and 12, d = 16)",
                (torch.randn(10, 16), torch.randn(12, 16) + 0.5),
            ),
        ]
    check_function(
        fn,
        reference_fd,
        cases,
        name="frechet_distance",
        rtol=1e-6,
        diagnose=[
            Mistake(
                "covariances divided by n",
                _fd_by(_biased, _tr_sqrt),
                "the covariance of a sample divides by n − 1 (torch.cov(f.T)).",
            ),
            Mistake(
                "covariances of the wrong orientation",
                _fd_by(torch.cov, _tr_sqrt),
                "torch.cov treats rows as variables: the covariance of features "
                "(n, d) is torch.cov(f.T), shape (d, d).",
            ),
            Mistake(
                "the trace term without its factor 2",
                lambda f1, f2: (
                    _fd_by(_unbiased, _tr_sqrt)(f1, f2)
                    + float(_tr_sqrt(_unbiased(f1.double()), _unbiased(f2.double())))
                ),
                "d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 tr (Σ₁Σ₂)^½.",
            ),
            Mistake(
                "√tr(Σ₁Σ₂) for tr (Σ₁Σ₂)^½",
                _fd_by(_unbiased, lambda a, b: (a @ b).trace().sqrt()),
                "the trace of the square root is the sum of the square roots of "
                "the eigenvalues, not the root of the trace.",
            ),
            Mistake(
                "tr(√Σ₁ √Σ₂) for tr (Σ₁Σ₂)^½",
                _fd_by(_unbiased, lambda a, b: (_sym_sqrt(a) @ _sym_sqrt(b)).trace()),
                "the two are equal only when Σ₁ and Σ₂ commute; use the "
                "eigenvalues of √Σ₁ Σ₂ √Σ₁.",
            ),
        ],
        hint="d² = ‖μ₁ − μ₂‖² + tr Σ₁ + tr Σ₂ − 2 Σᵢ √λᵢ(√Σ₁ Σ₂ √Σ₁), "
        "in float64, unbiased covariances.",
        near_hint="Close, but not to 1e-6: a precision problem. Compute in float64 "
        "(f.double()) and take tr (Σ₁Σ₂)^½ from a symmetric matrix, "
        "torch.linalg.eigvalsh(√Σ₁ Σ₂ √Σ₁), not scipy.linalg.sqrtm of the "
        "non-symmetric product Σ₁Σ₂ (whose rounding errors in float32 are large).",
    )


def _about(got: object, want: float, what: str, tol: float = 0.25) -> None:
    """Fail unless ``got`` is within ``tol`` (relative) of the simulated ``want``."""
    __tracebackhide__ = True
    if not isinstance(got, int | float | Tensor) or as_tensor(got).numel() != 1:
        fail(f"{what}: expected one number, got {got!r}")
    got = float(got)
    if abs(got - want) <= tol * abs(want):
        return
    if abs(got) < 0.05 * abs(want):
        why = "about 0: are both sets the same samples? Draw two independent sets."
    elif 1.6 < got / want < 2.5:
        why = "about twice too large: does each set have n samples (not n / 2)?"
    else:
        why = f"outside ±{tol:.0%} of the simulation."
    fail(f"{what}: expected about {want:.4g}, got {got:.4g}, {why}")


def _fd_same(n: int, d: int, trials: int, seed: int) -> float:
    gen = torch.Generator().manual_seed(seed)
    values = [
        reference_fd(torch.randn(n, d, generator=gen), torch.randn(n, d, generator=gen))
        for _ in range(trials)
    ]
    return sum(values) / trials


def check_fd_same_distribution(fn: Callable[[int, int, int, int], float]) -> None:
    """``fn(n, d, trials, seed)``: mean FD of two n-samples of N(0, I_d), ≈ c / n."""
    __tracebackhide__ = True
    for n in (30, 120):
        got = outcome(fn, Case(f"n = {n}, d = 6", (n, 6, 50, 1)))
        if isinstance(got, BaseException):
            fail(raised("fd_same_distribution", Case(f"n = {n}", ()), got, fn, [], []))
        _about(got, _fd_same(n, 6, 400, 12345), f"fd_same_distribution(n={n}, d=6)")


def check_fd_infinity(fn: Callable[[Sequence[int], Sequence[float]], float]) -> None:
    """``fn(ns, values)`` is the intercept of a least-squares line in 1/n (FD∞)."""
    __tracebackhide__ = True
    import numpy as np

    def intercept(ns, values):
        return float(np.polyfit(1 / np.asarray(ns, float), values, 1)[1])

    ns = [50, 100, 200, 400, 1000]
    noisy = [
        10 + 500 / n + e for n, e in zip(ns, (0.3, -0.2, 0.1, -0.1, 0.05), strict=True)
    ]
    check_function(
        fn,
        intercept,
        [
            Case("of values 3 + 200/n", (ns, [3 + 200 / n for n in ns])),
            Case("of noisy values near 10 + 500/n", (ns, noisy)),
        ],
        name="fd_infinity",
        diagnose=[
            Mistake(
                "a line in n instead of 1/n",
                lambda ns, v: float(np.polyfit(ns, v, 1)[1]),
                "the bias falls like 1/n: fit the values against 1/n.",
            ),
            Mistake(
                "the slope",
                lambda ns, v: float(np.polyfit(1 / np.asarray(ns, float), v, 1)[0]),
                "the slope is the bias coefficient; FD∞ is the intercept, "
                "the value at 1/n = 0.",
            ),
            Mistake(
                "the value at the largest n",
                lambda ns, v: float(v[int(np.argmax(ns))]),
                "it still holds a bias c/n: extrapolate to 1/n = 0.",
            ),
        ],
        hint="Fit values ≈ FD∞ + c/n by least squares (np.polyfit(1/n, values, 1)).",
    )


def _fd_curve(f_a: Tensor, f_b: Tensor, ns, repeats: int, seed: int) -> list[float]:
    gen = torch.Generator().manual_seed(seed)
    curve = []
    for n in ns:
        values = [
            reference_fd(
                f_a[torch.randperm(len(f_a), generator=gen)[:n]],
                f_b[torch.randperm(len(f_b), generator=gen)[:n]],
            )
            for _ in range(repeats)
        ]
        curve.append(sum(values) / repeats)
    return curve


def check_fd_curve(fn: Callable[..., Sequence[float]]) -> None:
    """``fn(f_a, f_b, ns, repeats, seed)``: mean FD of random n-subsets, per n."""
    __tracebackhide__ = True
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        pool = torch.randn(1500, 4)
    ns = [20, 80]
    for label, f_b in [("a set with itself", pool), ("a set and its shift", pool + 1)]:
        got = outcome(fn, Case(label, (pool, f_b, ns, 40, 1)))
        if isinstance(got, BaseException):
            fail(raised("fd_curve", Case(label, ()), got, fn, [], []))
        if not isinstance(got, Sequence | Tensor) or len(got) != len(ns):
            fail(f"fd_curve on {label}: expected one mean FD per n, got {got!r}")
        want = _fd_curve(pool, f_b, ns, 300, 12345)
        for n, g, w in zip(ns, got, want, strict=True):
            _about(g, w, f"fd_curve on {label}, n = {n}")
