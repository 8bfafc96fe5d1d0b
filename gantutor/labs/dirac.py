"""The Dirac-GAN: the smallest GAN, and why its training need not converge.

Mescheder, Geiger & Nowozin (2018, arXiv:1801.04406), chapter *The game's
dynamics: Dirac-GAN*. The data is a Dirac at 0, the generator a Dirac at θ, the
discriminator is linear, D_ψ(x) = ψ x. In this book's convention D returns a
*realness* logit, so the game's value is

    L(θ, ψ) = f(D_ψ(x_real)) + f(−D_ψ(x_fake)) = f(0) + f(−ψ θ),

with f(t) = −log(1 + e^{−t}) for the GAN and f(t) = t for the WGAN. (The paper's
D scores *fakeness* and writes f(ψ θ) + f(0): our ψ is the paper's −ψ, so our
fields are the paper's mirrored in ψ; eigenvalues and norms are the same.)

G descends its loss L_G and D descends L_D = −L + penalty, so training follows
the vector field v(θ, ψ) = (−∂L_G/∂θ, −∂L_D/∂ψ), whose only zero is (0, 0).
Everything here is exact float64 torch, differentiable, and works on grids.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

GAMES = {
    "gan": "GAN (minimax)",
    "ns-gan": "non-saturating GAN",
    "wgan": "WGAN (no constraint)",
    "wgan-clip": "WGAN, weight clipping",
    "wgan-gp": "WGAN-GP",
    "r1": "GAN + R1",
    "r2": "GAN + R2",
    "instance-noise": "GAN + instance noise",
}
RULES = ("simultaneous", "alternating")


@dataclass(frozen=True)
class Game:
    """One Dirac-GAN game and its constants (only the game's own are used).

    ``gamma``: weight of R1/R2, γ/2 ψ²; ``sigma``: std of the instance noise;
    ``lambda_gp`` and ``g0``: WGAN-GP's penalty λ (|ψ| − g0)²; ``c``: WGAN's
    clipping bound, ψ ∈ [−c, c].
    """

    name: str
    gamma: float = 0.3
    sigma: float = 0.7
    lambda_gp: float = 0.5
    g0: float = 0.3
    c: float = 0.3

    def __post_init__(self):
        if self.name not in GAMES:
            raise ValueError(f"unknown game {self.name!r}; known: {', '.join(GAMES)}")
        for key in ("gamma", "sigma", "lambda_gp", "g0"):
            if getattr(self, key) < 0:
                raise ValueError(f"{key} must be >= 0, got {getattr(self, key)}")
        if not self.c > 0:
            raise ValueError(f"the clipping bound c must be positive, got {self.c}")

    @property
    def kind(self) -> str:
        """Which f: ``"wgan"`` (f(t) = t) or ``"gan"`` (f(t) = −log(1 + e^{−t}))."""
        return "wgan" if self.name.startswith("wgan") else "gan"


def f(t: Tensor, kind: str = "gan") -> Tensor:
    """f(t) = −log(1 + e^{−t}) = log σ(t) (GAN) or f(t) = t (WGAN)."""
    return t if kind == "wgan" else -torch.nn.functional.softplus(-t)


def f_prime(t: Tensor, kind: str = "gan") -> Tensor:
    """f'(t) = σ(−t) (GAN; f'(0) = ½) or 1 (WGAN)."""
    return torch.ones_like(t) if kind == "wgan" else torch.sigmoid(-t)


def f_second(t: Tensor, kind: str = "gan") -> Tensor:
    """f''(t) = −σ(t) σ(−t) (GAN; f''(0) = −¼) or 0 (WGAN)."""
    if kind == "wgan":
        return torch.zeros_like(t)
    return -torch.sigmoid(t) * torch.sigmoid(-t)


def value(theta: Tensor, psi: Tensor, kind: str = "gan") -> Tensor:
    """L(θ, ψ) = f(0) + f(−ψ θ): D ascends it, G (minimax) descends it."""
    theta, psi = torch.as_tensor(theta), torch.as_tensor(psi)
    return f(torch.zeros_like(theta), kind) + f(-psi * theta, kind)


def _noise_expectation(n_nodes: int = 48) -> tuple[Tensor, Tensor]:
    """Gauss–Hermite nodes and weights: E[g(ε)] = Σ w_k g(σ x_k), ε ~ N(0, σ²)."""
    x, w = np.polynomial.hermite_e.hermegauss(n_nodes)
    return torch.from_numpy(x), torch.from_numpy(w / math.sqrt(2 * math.pi))


NODES, WEIGHTS = _noise_expectation()


def vector_field(game: Game, theta: Tensor, psi: Tensor) -> tuple[Tensor, Tensor]:
    """v(θ, ψ) = (−∂L_G/∂θ, −∂L_D/∂ψ) of ``game``, elementwise over θ, ψ.

    GAN: (ψ f'(−ψθ), −θ f'(−ψθ)); NS-GAN's G descends −f(ψθ): v_θ = ψ f'(ψθ);
    R1 = R2 = γ/2 ψ² (∇ₓD = ψ everywhere): v_ψ −= γψ; WGAN-GP: v_ψ −=
    2λ(|ψ| − g0) sign ψ; instance noise: the GAN's field averaged over
    x ~ N(0, σ²) and N(θ, σ²) by Gauss–Hermite quadrature.
    """
    theta = torch.as_tensor(theta, dtype=torch.float64)
    psi = torch.as_tensor(psi, dtype=torch.float64)
    theta, psi = torch.broadcast_tensors(theta, psi)
    name, kind = game.name, game.kind
    if name == "instance-noise":
        eps = game.sigma * NODES.to(theta.device)  # (K,)
        w = WEIGHTS.to(theta.device)  # (K,)
        x_fake = theta[..., None] + eps  # (..., K)
        g_fake = f_prime(-psi[..., None] * x_fake)  # (..., K)
        v_theta = (psi[..., None] * g_fake * w).sum(-1)
        v_psi = ((-x_fake * g_fake + eps * f_prime(psi[..., None] * eps)) * w).sum(-1)
        return v_theta, v_psi
    g = f_prime(-psi * theta, kind)
    v_theta = psi * (f_prime(psi * theta, kind) if name == "ns-gan" else g)
    v_psi = -theta * g
    if name in ("r1", "r2"):
        v_psi = v_psi - game.gamma * psi
    elif name == "wgan-gp":
        v_psi = v_psi - 2 * game.lambda_gp * (psi.abs() - game.g0) * psi.sign()
    return v_theta, v_psi


def project(game: Game, psi: Tensor) -> Tensor:
    """WGAN's weight clipping as a projection, ψ ← clamp(ψ, −c, c); else ψ."""
    return psi.clamp(-game.c, game.c) if game.name == "wgan-clip" else psi


def step(
    game: Game, point: Tensor, h: float, rule: str = "simultaneous", n_critic: int = 1
) -> Tensor:
    """One generator update F_h(θ, ψ) by gradient steps of size ``h``.

    simultaneous: (θ, ψ) ← (θ, ψ) + h v(θ, ψ);
    alternating: ``n_critic`` times ψ ← ψ + h v_ψ(θ, ψ), then θ ← θ + h v_θ(θ, ψ)
    (D first, as in :func:`gantutor.steps.gan_step`). Clipping follows each D step.
    """
    if rule not in RULES:
        raise ValueError(f"unknown rule {rule!r}; known: {', '.join(RULES)}")
    if n_critic < 1 or (rule == "simultaneous" and n_critic != 1):
        raise ValueError(
            f"n_critic must be >= 1, and 1 for simultaneous steps; got {n_critic}"
        )
    if not h > 0:
        raise ValueError(f"the step size h must be positive, got {h}")
    theta, psi = point[0], point[1]
    if rule == "simultaneous":
        v_theta, v_psi = vector_field(game, theta, psi)
        return torch.stack([theta + h * v_theta, project(game, psi + h * v_psi)])
    for _ in range(n_critic):
        psi = project(game, psi + h * vector_field(game, theta, psi)[1])
    return torch.stack([theta + h * vector_field(game, theta, psi)[0], psi])


def _start(start) -> Tensor:
    point = torch.as_tensor(start, dtype=torch.float64).flatten()
    if point.shape != (2,):
        raise ValueError(f"a point is (θ, ψ), two numbers; got {tuple(point.shape)}")
    return point


def trajectory(
    game: Game,
    start=(1.0, 1.0),
    h: float = 0.1,
    n_steps: int = 500,
    rule: str = "simultaneous",
    n_critic: int = 1,
) -> Tensor:
    """The iterates of :func:`step` from ``start``: (n_steps + 1, 2) rows (θ, ψ)."""
    point = project_point(game, _start(start))
    points = [point]
    for _ in range(n_steps):
        point = step(game, point, h, rule, n_critic)
        points.append(point)
    return torch.stack(points)


def project_point(game: Game, point: Tensor) -> Tensor:
    """(θ, ψ) with ψ projected onto the constraint set (clipping)."""
    return torch.stack([point[0], project(game, point[1])])


def flow(game: Game, start=(1.0, 1.0), t_end: float = 10.0, dt: float = 0.01) -> Tensor:
    """The continuous flow d(θ, ψ)/dt = v by RK4 with step ``dt``: (n + 1, 2)."""
    if not (dt > 0 and t_end > 0):
        raise ValueError(f"dt and t_end must be positive, got {dt} and {t_end}")

    def v(p: Tensor) -> Tensor:
        return torch.stack(vector_field(game, p[0], p[1]))

    point = project_point(game, _start(start))
    points = [point]
    for _ in range(round(t_end / dt)):
        k1 = v(point)
        k2 = v(point + dt / 2 * k1)
        k3 = v(point + dt / 2 * k2)
        k4 = v(point + dt * k3)
        point = project_point(game, point + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4))
        points.append(point)
    return torch.stack(points)


def _check_smooth(game: Game, point: Tensor) -> None:
    if game.name == "wgan-gp" and point[1] == 0:
        raise ValueError(
            "WGAN-GP's field jumps at ψ = 0 (the penalty pushes |ψ| towards g0 "
            "from both sides): it has no Jacobian there"
        )


def jacobian(game: Game, point=(0.0, 0.0)) -> Tensor:
    """J = ∂v/∂(θ, ψ) at ``point`` (default the equilibrium), by autograd: (2, 2).

    GAN at (0, 0): [[0, f'(0)], [−f'(0), 0]], eigenvalues ± i f'(0).
    """
    point = _start(point)
    _check_smooth(game, point)
    return torch.autograd.functional.jacobian(
        lambda p: torch.stack(vector_field(game, p[0], p[1])), point
    )


def update_jacobian(
    game: Game,
    h: float,
    rule: str = "simultaneous",
    n_critic: int = 1,
    point=(0.0, 0.0),
) -> Tensor:
    """F_h'(θ, ψ), the Jacobian of one update :func:`step`, by autograd: (2, 2).

    Simultaneous steps give I + hJ. The iterates converge locally iff all its
    eigenvalues have modulus < 1 (Mescheder et al. 2018, Section 2).
    """
    point = _start(point)
    _check_smooth(game, point)
    return torch.autograd.functional.jacobian(
        lambda p: step(game, p, h, rule, n_critic), point
    )


def eigenvalues(matrix: Tensor) -> Tensor:
    """The (complex) eigenvalues of a square matrix, by imaginary, then real part."""
    values = torch.linalg.eigvals(matrix)
    order = sorted(range(len(values)), key=lambda i: _key(values[i].item()))
    return values[order]


def _key(z: complex) -> tuple[float, float]:
    return round(z.imag, 12), z.real


def distance(path: Tensor) -> Tensor:
    """‖(θ, ψ)‖ of every row of a trajectory (n, 2): the distance to (0, 0)."""
    return path.norm(dim=-1)
