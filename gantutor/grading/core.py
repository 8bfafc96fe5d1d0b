"""The general tool of the graded checks: run, compare, diagnose.

:func:`check_function` calls a student's function and the reference on each
:class:`Case`, compares values and gradients, and raises :class:`CheckFailed` naming
the first case that differs and, when one fits every case, the :class:`Mistake` the
student made. The ``check_*`` modules of this package build on it.
"""

from __future__ import annotations

import copy
import math
import traceback
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor, nn


class CheckFailed(AssertionError):
    """A graded check's verdict: what differs, on which case, where to look."""


@dataclass(frozen=True)
class Case:
    """Arguments to call both functions with, and a label a student understands."""

    label: str
    args: tuple


@dataclass(frozen=True)
class Mistake:
    """A known wrong answer, as a function that makes it, and what to tell."""

    what: str
    fn: Callable
    hint: str


def check_function(
    student_fn: Callable,
    reference_fn: Callable,
    cases: Sequence[Case],
    *,
    diagnose: Sequence[Mistake] = (),
    hint: str = "",
    near_hint: str = "",
    name: str | None = None,
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> None:
    """Raise :class:`CheckFailed` unless ``student_fn`` agrees with ``reference_fn``.

    On every case the two must return the same shape and values (within ``rtol``,
    ``atol``) and, where the reference's result carries a gradient, the same
    gradient with respect to the case's tensors that require one and the
    parameters of its modules. Each call gets fresh copies of the arguments.
    On a difference the message names the first case that shows it and the
    mistake of ``diagnose`` that behaves like the student's function on every
    case, if one does; else ``near_hint`` when the values are within 0.1 % (a
    precision problem), else ``hint`` (where to look).
    """
    __tracebackhide__ = True
    name = name or getattr(student_fn, "__name__", "your function")
    for case in cases:
        expected, ref_inputs = _run(reference_fn, case)
        got, inputs = _run(student_fn, case)
        if isinstance(got, BaseException):
            raise CheckFailed(raised(name, case, got, student_fn, cases, diagnose))
        problem = _difference(got, expected, rtol, atol)
        if problem is None:
            problem = _gradient_difference(got, expected, inputs, ref_inputs)
        if problem is not None:
            found = _known_mistake(student_fn, diagnose, cases, rtol, atol)
            near = near_hint and _relative(got, expected) < 1e-3
            where = near_hint if near else hint
            where = f"It looks like {found.what}: {found.hint}" if found else where
            raise CheckFailed(
                f"{name} differs from the reference on the case {case.label}: "
                f"{problem}.\n{where}".rstrip()
            )


# --- running, comparing, diagnosing -------------------------------------------------


def _copies(args: tuple) -> tuple:
    out = []
    for a in args:
        if isinstance(a, Tensor):
            out.append(a.detach().clone().requires_grad_(a.requires_grad))
        elif isinstance(a, nn.Module):
            out.append(copy.deepcopy(a))
        else:
            out.append(copy.copy(a))
    return tuple(out)


def _run(fn: Callable, case: Case) -> tuple[object, list[Tensor]]:
    """fn's result (or the exception it raised) and the inputs to differentiate."""
    args = _copies(case.args)
    inputs = [a for a in args if isinstance(a, Tensor) and a.requires_grad]
    for a in args:
        if isinstance(a, nn.Module):
            inputs += list(a.parameters())
    try:
        with torch.random.fork_rng(devices=[]):  # leave the notebook's RNG as it was
            return fn(*args), inputs
    except Exception as error:  # the student's error is part of the verdict
        return error, inputs


def as_tensor(value: object) -> Tensor | None:
    """``value`` as a tensor if it is a tensor or a number, else None."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return torch.tensor(float(value))
    return None


def _difference(got: object, expected: object, rtol: float, atol: float) -> str | None:
    """None if ``got`` matches ``expected``, else what differs, in words."""
    want, have = as_tensor(expected), as_tensor(got)
    if have is None:
        return f"it returned a {type(got).__name__}, expected a tensor or a number"
    if want.shape != have.shape and not (want.numel() == have.numel() == 1):
        shape = "one number (a 0-d tensor)" if want.dim() == 0 else tuple(want.shape)
        return f"it returned shape {tuple(have.shape)}, expected {shape}"
    want, have = want.detach().double().reshape(-1), have.detach().double().reshape(-1)
    bad = ~torch.isclose(have, want, rtol=rtol, atol=atol, equal_nan=True)
    if not bool(bad.any()):
        return None
    i = int(bad.nonzero()[0])
    at = f" at index {i}" if want.numel() > 1 else ""
    return f"expected {float(want[i]):.6g}{at}, got {float(have[i]):.6g}"


def _relative(got: object, expected: object) -> float:
    have, want = as_tensor(got), as_tensor(expected)
    if have is None or have.numel() != want.numel():
        return math.inf
    have, want = have.detach().double().reshape(-1), want.detach().double().reshape(-1)
    return float(((have - want).abs() / want.abs().clamp_min(1e-12)).max())


def _gradient_difference(
    got: object, expected: object, inputs: list[Tensor], ref_inputs: list[Tensor]
) -> str | None:
    if not (isinstance(expected, Tensor) and expected.requires_grad) or not inputs:
        return None
    if not (isinstance(got, Tensor) and got.requires_grad):
        return (
            "the value is right but carries no gradient, so it cannot train anything "
            "(was it computed with .item(), .detach(), NumPy, or torch.autograd.grad "
            "without create_graph=True?)"
        )
    want = torch.autograd.grad(expected.sum(), ref_inputs, allow_unused=True)
    have = torch.autograd.grad(got.sum(), inputs, allow_unused=True)
    for w, h in zip(want, have, strict=True):
        w = torch.zeros(()) if w is None else w
        h = torch.zeros(()) if h is None else h
        if not torch.allclose(h.double(), w.double(), rtol=1e-4, atol=1e-6):
            return (
                "the value is right but its gradient is not (is part of the "
                "computation detached, or taken without create_graph=True?)"
            )
    return None


def outcome(fn: Callable, case: Case) -> object:
    """What ``fn`` returns on ``case``, or the exception it raises."""
    result, _ = _run(fn, case)
    return result


def _same(a: object, b: object, rtol: float, atol: float) -> bool:
    if isinstance(a, BaseException) or isinstance(b, BaseException):
        return type(a) is type(b) and str(a)[:40] == str(b)[:40]
    return _difference(a, b, rtol, atol) is None


def _known_mistake(
    fn: Callable, diagnose: Sequence[Mistake], cases: Sequence[Case], rtol, atol
) -> Mistake | None:
    """The first mistake that gives what ``fn`` gives on every case."""
    if not diagnose:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # wrong answers warn; the verdict says why
        outcomes = [outcome(fn, case) for case in cases]
        for mistake in diagnose:
            if all(
                _same(o, outcome(mistake.fn, c), rtol, atol)
                for o, c in zip(outcomes, cases, strict=True)
            ):
                return mistake
    return None


def raised(name, case, error, fn, cases, diagnose) -> str:
    """The verdict on a function that raised ``error``: its line, a known mistake."""
    if isinstance(error, NotImplementedError):
        return (
            f"{name} is not written yet: it still raises NotImplementedError. "
            "Replace the line `raise NotImplementedError(...)` in its cell with "
            "your code, run that cell, then run this check again."
        )
    package = str(Path(__file__).parent.parent)  # gantutor/: not the student's
    mine = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if not f.filename.startswith(package) and "site-packages" not in f.filename
    ]
    last = mine[-1].line if mine else ""
    line = f"\nThe error comes from your line: {last.strip()}" if last else ""
    found = _known_mistake(fn, diagnose, cases, 1e-5, 1e-6)
    where = f"\nIt looks like {found.what}: {found.hint}" if found else ""
    return (
        f"{name} raised {type(error).__name__} on the case {case.label}: "
        f"{error}{line}{where}"
    )


def fail(message: str) -> None:
    """Raise :class:`CheckFailed` with ``message``, hidden from pytest's traceback."""
    __tracebackhide__ = True
    raise CheckFailed(message)
