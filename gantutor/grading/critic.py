"""Part 2's graded check of WGAN-GP's training step, on a critic with known gradients.

A linear critic and a generator whose samples are all ``b`` make the critic loss's
gradient known in closed form; optimisers and a batch iterator that record each call
let :func:`check_critic_step` tell which part of the step is wrong.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor, nn

from gantutor.grading.core import Case, fail, raised


class LinearCritic(nn.Module):
    """f(x) = w·x + c on points (B, 2) -> (B,): its input gradient is w everywhere."""

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(2, 1)

    def forward(self, x: Tensor) -> Tensor:
        return self.layer(x).squeeze(1)  # (B,)


class ConstantGenerator(nn.Module):
    """G(z) = A z + b with A = 0 at the start: every sample is b, whatever z."""

    latent_dim = 4

    def __init__(self):
        super().__init__()
        self.layer = nn.Linear(self.latent_dim, 2)
        nn.init.zeros_(self.layer.weight)

    def forward(self, z: Tensor) -> Tensor:
        return self.layer(z)  # (B, 2)


class _Recorder(torch.optim.SGD):
    """SGD that calls ``log(name)`` before each step."""

    def __init__(self, params, name: str, log: Callable[[str], None]):
        super().__init__(params, lr=0.05)
        self.name, self.log = name, log

    def step(self, closure=None):
        self.log(self.name)
        return super().step(closure)


class _Batches:
    """An endless iterator of real batches (8, 2), each with its own mean."""

    def __init__(self, log: Callable[[str], None]):
        self.drawn: list[Tensor] = []
        self.log = log
        self.gen = torch.Generator().manual_seed(0)

    def __iter__(self):
        return self

    def __next__(self) -> Tensor:
        k = len(self.drawn)
        x = torch.randn(8, 2, generator=self.gen) + torch.tensor([1.0 + k, -0.5 * k])
        self.drawn.append(x)
        self.log("batch")
        return x.clone()


SENTINEL = 100.0  # gradients set before the step: still there means no zero_grad


def check_critic_step(fn: Callable[..., dict], n_critic: int = 3, lambda_gp=2.5):
    """``fn(G, D, opt_G, opt_D, batches, n_critic, lambda_gp)`` is WGAN-GP's step.

    Run on a linear critic f(x) = w·x + c and a generator whose samples are all b,
    where the critic loss's gradient is known in closed form:
    ∂/∂w = b − mean(x_real) + 2λ(‖w‖ − 1) w/‖w‖, whatever z and ε.
    """
    __tracebackhide__ = True
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        G, D = ConstantGenerator(), LinearCritic()
    for p in [*G.parameters(), *D.parameters()]:
        p.grad = torch.full_like(p, SENTINEL)
    events: list[tuple[str, dict]] = []

    def log(kind: str) -> None:
        events.append((kind, _snapshot(G, D)))

    batches = _Batches(log)
    opt_G = _Recorder(G.parameters(), "G", log)
    opt_D = _Recorder(D.parameters(), "D", log)
    case = Case("of a linear critic", ())
    try:
        with torch.random.fork_rng(devices=[]):  # z and ε: leave the notebook's RNG
            result = fn(
                G, D, opt_G, opt_D, batches, n_critic=n_critic, lambda_gp=lambda_gp
            )
    except Exception as error:
        fail(raised("train_step", case, error, fn, [], []))
    problem = _step_problem(events, batches.drawn, n_critic, lambda_gp)
    if problem is None and not (
        isinstance(result, dict)
        and {"loss_D", "loss_G"} <= set(result)
        and all(isinstance(result[k], int | float) for k in ("loss_D", "loss_G"))
    ):
        problem = (
            'return {"loss_D": ..., "loss_G": ...} as plain numbers (loss.item()): '
            "a tensor would keep its whole graph alive"
        )
    if problem is not None:
        fail(f"train_step (n_critic = {n_critic}, lambda_gp = {lambda_gp}): {problem}")


def _snapshot(G: ConstantGenerator, D: LinearCritic) -> dict:
    def grad(p: Tensor) -> Tensor:
        return torch.zeros_like(p) if p.grad is None else p.grad.detach().clone()

    return {
        "w": D.layer.weight.detach().clone().view(-1),  # (2,)
        "grad_w": grad(D.layer.weight).view(-1),
        "b": G.layer.bias.detach().clone(),  # (2,)
        "grad_G": [grad(p) for p in G.parameters()],
    }


def _step_problem(events, drawn, n_critic, lambda_gp) -> str | None:
    kinds = [kind for kind, _ in events]
    d_steps, g_steps = kinds.count("D"), kinds.count("G")
    if d_steps != n_critic:
        return (
            f"opt_D.step() ran {_times(d_steps)}: the critic makes n_critic updates "
            "per call (use the argument n_critic, not a number)"
        )
    if g_steps != 1 or kinds.index("G") < len(kinds) - 1 - kinds[::-1].index("D"):
        return (
            f"opt_G.step() ran {_times(g_steps)}; it should run once, after the "
            "critic's updates"
        )
    if len(drawn) != n_critic:
        return (
            f"next(batches) ran {_times(len(drawn))}: each of the n_critic critic "
            "updates takes its own real batch"
        )
    critic = [s for kind, s in events if kind == "D"]
    generator = next(s for kind, s in events if kind == "G")
    return _critic_problem(critic, drawn, lambda_gp) or _generator_problem(generator)


def _critic_problem(snaps: list[dict], drawn: list[Tensor], lambda_gp) -> str | None:
    """What is wrong with the gradients D saw at each of its updates, if anything."""
    unused, previous = list(range(len(drawn))), torch.full((2,), SENTINEL)
    for i, snap in enumerate(snaps):
        moved = [
            g for g in snap["grad_G"] if not bool(((g == 0) | (g == SENTINEL)).all())
        ]
        if moved:
            return (
                f"during critic update {i + 1} the critic's loss sent gradients "
                "into G: use x_fake = G(z).detach() in the critic's update"
            )
        w, b, got = snap["w"], snap["b"], snap["grad_w"]
        pull = 2 * lambda_gp * (w.norm() - 1) * w / w.norm()  # the penalty's part
        match = [k for k in unused if _close(got, b - drawn[k].mean(0) + pull)]
        if match:
            unused.remove(match[0])
            previous = got
            continue
        x = drawn[min(i, len(drawn) - 1)].mean(0)
        if _close(got, x - b + pull):
            return "the critic's loss has the wrong sign: E f(x_fake) − E f(x_real)"
        if _close(got, b - x):
            return "the critic's update has no gradient penalty (or λ = 0)"
        if _parallel(got - (b - x), w):
            return "the penalty's weight is not lambda_gp (use the argument)"
        if _close(got, b - x + pull + previous):
            return (
                "D's gradients pile up across updates: call opt_D.zero_grad() "
                "before loss_D.backward()"
            )
        return (
            f"at critic update {i + 1}, D's gradient is not that of "
            "E f(x_fake) − E f(x_real) + λ·GP on a fresh real batch"
        )
    return None


def _generator_problem(snap: dict) -> str | None:
    """What is wrong with the gradient G saw at its update, if anything."""
    got, want = snap["grad_G"][1], -snap["w"]  # ∂/∂b of −mean f(b) = −w
    if _close(got, want):
        return None
    if _close(got, -want):
        return "G's loss has the wrong sign: G minimises −E f(G(z))"
    if _close(got - want, torch.full_like(got, SENTINEL)):
        return "G's gradients pile up: call opt_G.zero_grad() before loss_G.backward()"
    return "G's gradient is not that of −E f(G(z)), the Wasserstein generator loss"


def _times(k: int) -> str:
    return "once" if k == 1 else f"{k} times"


def _close(a: Tensor, b: Tensor) -> bool:
    return bool(torch.allclose(a, b, rtol=1e-4, atol=1e-5))


def _parallel(a: Tensor, b: Tensor) -> bool:
    return bool(abs(torch.dot(a, b)) > 0.999 * a.norm() * b.norm())
