"""The Dirac-GAN of Mescheder et al. (2018): fields against hand-derived closed
forms and against autograd of the book's losses, the Jacobians' eigenvalues, and
the paper's claims on which training methods converge; and its widget."""

import math

import pytest
import torch
from torch import nn

import gantutor as gt
from gantutor import penalties
from gantutor.labs import dirac
from gantutor.widgets import dirac as dw

SIG2 = 1 / (1 + math.exp(-2))  # σ(2), by hand
POINTS = [(1.0, 2.0), (-0.7, 0.4), (2.5, -1.3)]


def game(name, **kw):
    return dirac.Game(name, **kw)


def v(name, theta, psi, **kw):
    out = dirac.vector_field(game(name, **kw), torch.tensor(theta), torch.tensor(psi))
    return [x.item() for x in out]


def test_fields_match_hand_derived_values():
    # GAN at (1, 2): v = (ψ, −θ) f'(−ψθ) with f'(t) = σ(−t), so f'(−2) = σ(2)
    torch.testing.assert_close(v("gan", 1.0, 2.0), [2 * SIG2, -SIG2])
    torch.testing.assert_close(v("ns-gan", 1.0, 2.0), [2 * (1 - SIG2), -SIG2])
    torch.testing.assert_close(v("wgan", 1.0, 2.0), [2.0, -1.0])
    torch.testing.assert_close(v("wgan-clip", 1.0, 2.0), [2.0, -1.0])
    torch.testing.assert_close(v("r1", 1.0, 2.0, gamma=0.3), [2 * SIG2, -SIG2 - 0.6])
    torch.testing.assert_close(v("r2", 1.0, 2.0, gamma=1.0), [2 * SIG2, -SIG2 - 2])
    # WGAN-GP at (1, −2): −θ − 2λ(|ψ| − g0) sign ψ = −1 + 2·0.5·1.7 = 0.7
    torch.testing.assert_close(
        v("wgan-gp", 1.0, -2.0, lambda_gp=0.5, g0=0.3), [-2.0, 0.7]
    )
    assert v("gan", 0.0, 0.0) == [0.0, 0.0] and v("instance-noise", 0, 0) == [0, 0]


def test_instance_noise_matches_trapezoidal_quadrature_and_vanishes_with_sigma():
    sigma, (theta, psi) = 0.8, (0.6, -1.1)
    eps = torch.linspace(-12, 12, 40_001, dtype=torch.float64) * sigma
    pdf = torch.exp(-0.5 * (eps / sigma) ** 2) / (sigma * math.sqrt(2 * math.pi))
    x = theta + eps
    f1 = torch.sigmoid(psi * x)  # f'(−ψ x) = σ(ψ x)
    expected = [
        torch.trapezoid(pdf * psi * f1, eps).item(),
        torch.trapezoid(pdf * (-x * f1 + eps * torch.sigmoid(-psi * eps)), eps).item(),
    ]
    torch.testing.assert_close(v("instance-noise", theta, psi, sigma=sigma), expected)
    torch.testing.assert_close(
        v("instance-noise", theta, psi, sigma=0.0), v("gan", theta, psi)
    )


class DiracG(nn.Module):
    def __init__(self, theta: float):
        super().__init__()
        self.theta = nn.Parameter(torch.tensor([theta]))

    def forward(self, n: int):
        return self.theta.expand(n, 1)  # (n, 1)


LOSS_OF = {
    "gan": "minimax",
    "ns-gan": "non-saturating",
    "r1": "minimax",
    "r2": "minimax",
    "wgan": "wasserstein",
    "wgan-gp": "wasserstein",
}


def field_by_autograd(name, theta, psi, **kw):
    """−∂L_G/∂θ and −∂L_D/∂ψ with the book's losses and penalties on real nets."""
    G, D = DiracG(theta), nn.Linear(1, 1, bias=False)
    D.weight.data.fill_(psi)
    x_real = torch.zeros(4, 1)
    loss = gt.losses.get(LOSS_OF[name])
    loss_D = loss.d(D(x_real), D(G(4).detach()))
    if name == "r1":
        loss_D = loss_D + kw["gamma"] * penalties.r1(D, x_real)
    if name == "r2":
        loss_D = loss_D + kw["gamma"] * penalties.r2(D, G(4))
    if name == "wgan-gp":
        penalty = penalties.gradient_penalty(D, x_real, G(4), target=kw["g0"])
        loss_D = loss_D + kw["lambda_gp"] * penalty
    (grad_psi,) = torch.autograd.grad(loss_D, D.weight)
    (grad_theta,) = torch.autograd.grad(loss.g(D(G(4))), G.theta)
    return [-grad_theta.item(), -grad_psi.item()]


@pytest.mark.parametrize(
    "name, kw",
    [
        ("gan", {}),
        ("ns-gan", {}),
        ("wgan", {}),
        ("r1", {"gamma": 0.7}),
        ("r2", {"gamma": 0.4}),
        ("wgan-gp", {"lambda_gp": 0.5, "g0": 0.3}),
    ],
)
def test_fields_equal_autograd_of_the_books_losses(name, kw):
    for theta, psi in POINTS:
        torch.testing.assert_close(
            v(name, theta, psi, **kw),
            field_by_autograd(name, theta, psi, **kw),
            rtol=1e-5,
            atol=1e-6,
        )


@pytest.mark.parametrize("name, slope", [("gan", 0.5), ("ns-gan", 0.5), ("wgan", 1)])
def test_unregularised_jacobian_is_a_rotation(name, slope):
    J = dirac.jacobian(game(name))
    torch.testing.assert_close(J, torch.tensor([[0, slope], [-slope, 0]]).double())
    ev = dirac.eigenvalues(J)
    torch.testing.assert_close(ev.real, torch.zeros(2).double())
    torch.testing.assert_close(ev.imag, torch.tensor([-slope, slope]).double())


def closed_form(a: float, b: float) -> torch.Tensor:
    """Eigenvalues of [[0, a], [−a, b]]: b/2 ∓ sqrt(b²/4 − a²).

    The principal root is +i|·| or real ≥ 0, so "−" comes first either way, as
    in ``dirac.eigenvalues`` (by imaginary, then real part).
    """
    root = torch.sqrt(torch.tensor(b * b / 4 - a * a, dtype=torch.complex128))
    return torch.stack([b / 2 - root, b / 2 + root])


@pytest.mark.parametrize("name", ["r1", "r2"])
@pytest.mark.parametrize("gamma", [0.3, 2.5])  # complex and real eigenvalues
def test_r1_r2_eigenvalues_have_negative_real_parts(name, gamma):
    ev = dirac.eigenvalues(dirac.jacobian(game(name, gamma=gamma)))
    torch.testing.assert_close(ev, closed_form(0.5, -gamma))  # −γ/2 ± √(γ²/4 − ¼)
    assert (ev.real < 0).all()


@pytest.mark.parametrize("sigma", [0.7, 3.0])
def test_instance_noise_eigenvalues(sigma):
    # σ² f''(0) ± sqrt(σ⁴ f''(0)² − f'(0)²) with f'(0) = ½, f''(0) = −¼
    ev = dirac.eigenvalues(dirac.jacobian(game("instance-noise", sigma=sigma)))
    torch.testing.assert_close(ev, closed_form(0.5, -(sigma**2) / 2))
    assert (ev.real < 0).all()


def test_update_operators():
    g, h = game("gan"), 0.1
    J = dirac.jacobian(g)
    simultaneous = dirac.update_jacobian(g, h)
    torch.testing.assert_close(simultaneous, torch.eye(2).double() + h * J)
    torch.testing.assert_close(  # |1 + h λ| = sqrt(1 + h² f'(0)²) > 1
        dirac.eigenvalues(simultaneous).abs(),
        torch.full((2,), math.hypot(1, h / 2)).double(),
    )
    for n_critic in (1, 3):  # det = 1, trace in (−2, 2): on the unit circle
        F = dirac.update_jacobian(g, h, "alternating", n_critic)
        torch.testing.assert_close(dirac.eigenvalues(F).abs(), torch.ones(2).double())
    for name in ("r1", "instance-noise"):
        for rule in dirac.RULES:
            F = dirac.update_jacobian(game(name), h, rule)
            assert dirac.eigenvalues(F).abs().max() < 1


def test_gan_simultaneous_steps_diverge():
    g, h = game("gan"), 0.1
    path = dirac.trajectory(g, (1.0, 1.0), h, 2000)
    d = dirac.distance(path)
    assert (d.diff() > 0).all() and d[-1] > 2 * d[0]  # v ⊥ (θ, ψ): every step grows
    small = dirac.trajectory(g, (1e-4, 0.0), h, 1000)  # linear regime: |1 + hλ|ⁿ
    ratio = (dirac.distance(small)[-1] / 1e-4).item()
    torch.testing.assert_close(ratio, math.hypot(1, h / 2) ** 1000, rtol=1e-4, atol=0)


def test_gan_alternating_steps_stay_on_a_bounded_cycle():
    path = dirac.trajectory(game("gan"), (1.0, 1.0), 0.1, 5000, "alternating")
    d = dirac.distance(path)
    first, last = d[:1000], d[-1000:]
    assert d.min() > 1.3 and d.max() < 1.45  # neither converges nor diverges
    torch.testing.assert_close(last.min(), first.min(), rtol=2e-3, atol=0)
    theta = path[-1000:, 0]
    assert (theta[1:].sign() != theta[:-1].sign()).sum() >= 4  # still circling


def test_gan_flow_conserves_the_radius():
    d = dirac.distance(dirac.flow(game("gan"), (1.0, 1.0), t_end=30, dt=0.02))
    torch.testing.assert_close(d, torch.full_like(d, math.sqrt(2)), rtol=1e-8, atol=0)


@pytest.mark.parametrize("name", ["r1", "r2", "instance-noise"])
@pytest.mark.parametrize("rule", dirac.RULES)
def test_regularised_games_converge(name, rule):
    path = dirac.trajectory(game(name), (1.0, 1.0), 0.1, 2500, rule)
    assert dirac.distance(path)[-1] < 1e-6
    flow = dirac.flow(game(name), (1.0, 1.0), t_end=150, dt=0.05)
    assert dirac.distance(flow)[-1] < 1e-6


def test_r1_needs_a_small_enough_step():
    # λ = −0.15 ± 0.477i: |1 + hλ| < 1 iff h < −2 Re λ / |λ|² = 1.2
    g = game("r1", gamma=0.3)
    for h, converges in [(1.0, True), (1.5, False)]:
        modulus = dirac.eigenvalues(dirac.update_jacobian(g, h)).abs().max()
        assert (modulus < 1) == converges
        d = dirac.distance(dirac.trajectory(g, (0.1, 0.1), h, 1500))
        assert d[-1] < 1e-6 * d[0] if converges else d[-500:].min() > 4 * d[0]


@pytest.mark.parametrize("n_critic", [1, 5])
def test_wgan_clip_keeps_oscillating(n_critic):
    path = dirac.trajectory(
        game("wgan-clip"), (1.0, 1.0), 0.1, 3000, "alternating", n_critic
    )
    assert dirac.distance(path[-500:]).min() > 0.1
    theta = path[-500:, 0]
    assert (theta[1:].sign() != theta[:-1].sign()).sum() >= 4
    assert path[:, 1].abs().max() <= 0.3  # the projection holds


def test_wgan_gp_does_not_converge_with_finite_critic_steps():
    g = game("wgan-gp", lambda_gp=0.5, g0=0.3)
    path = dirac.trajectory(g, (1.0, 1.0), 0.1, 3000, "alternating", 1)
    assert dirac.distance(path[-500:]).min() > 0.3  # keeps circling
    theta = path[-500:, 0]
    assert (theta[1:].sign() != theta[:-1].sign()).sum() >= 2
    # With 5 critic steps it stalls at a spurious point θ = −2λ g0, ψ → 0⁻,
    # where the penalty's pull towards |ψ| = g0 cancels the loss's gradient.
    stuck = dirac.trajectory(g, (1.0, 1.0), 0.1, 3000, "alternating", 5)[-1]
    torch.testing.assert_close(stuck, torch.tensor([-0.3, 0.0]).double())
    with pytest.raises(ValueError, match="jumps at ψ = 0"):
        dirac.jacobian(g)


def test_sgd_training_follows_the_analytic_trajectory():
    gt.seed(0)
    h, gamma, steps = 0.1, 0.3, 60
    G, D = DiracG(1.0), nn.Linear(1, 1, bias=False)
    D.weight.data.fill_(1.0)
    opt_G = torch.optim.SGD(G.parameters(), lr=h)
    opt_D = torch.optim.SGD(D.parameters(), lr=h)
    loss, x_real, points = gt.losses.get("minimax"), torch.zeros(8, 1), []
    for _ in range(steps):
        loss_D = loss.d(D(x_real), D(G(8).detach())) + gamma * penalties.r1(D, x_real)
        opt_D.zero_grad(), loss_D.backward(), opt_D.step()
        loss_G = loss.g(D(G(8)))
        opt_G.zero_grad(), loss_G.backward(), opt_G.step()
        points.append([G.theta.item(), D.weight.item()])
    expected = dirac.trajectory(
        game("r1", gamma=gamma), (1, 1), h, steps, "alternating"
    )[1:]
    torch.testing.assert_close(
        torch.tensor(points).double(), expected, atol=1e-5, rtol=0
    )


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="known: gan, ns-gan"):
        game("lsgan")
    with pytest.raises(ValueError, match="gamma"):
        game("r1", gamma=-1.0)
    with pytest.raises(ValueError, match="clipping bound"):
        game("wgan-clip", c=0.0)
    p = torch.tensor([1.0, 1.0]).double()
    with pytest.raises(ValueError, match="unknown rule"):
        dirac.step(game("gan"), p, 0.1, "leapfrog")
    with pytest.raises(ValueError, match="n_critic"):
        dirac.step(game("gan"), p, 0.1, "simultaneous", n_critic=2)
    with pytest.raises(ValueError, match="step size"):
        dirac.step(game("gan"), p, 0.0)
    with pytest.raises(ValueError, match="two numbers"):
        dirac.trajectory(game("gan"), (1.0, 2.0, 3.0))


def test_explorer_controls_redraw():
    widget = dw.DiracExplorer(n_steps=60, density=0.2)
    first, text = widget.image.value, widget.label.value
    assert first[:4] == b"\x89PNG" and "0.500i" in text and "no local" in text
    assert widget.weight.disabled and widget.n_critic.disabled
    widget.game.value = "r1"
    second = widget.image.value
    assert (
        "converges locally" in widget.label.value and widget.weight.description == "γ"
    )
    assert not widget.weight.disabled
    widget.weight.value = 1.0
    third = widget.image.value
    widget.rule.value = "alternating"
    assert not widget.n_critic.disabled
    widget.h.value = 0.3
    assert len({first, second, third, widget.image.value}) == 4
    titles = [ax.get_title() for ax in widget.draw(*widget.setting).axes]
    assert titles == ["R1 (γ = 1)", "alternating, h = 0.3, n_critic = 1"]
    widget.game.value = "wgan-gp"
    assert "no Jacobian" in widget.label.value
    widget.game.value, widget.rule.value, widget.h.value = "gan", "simultaneous", 0.1
    assert widget.image.value == first  # a drawing depends only on the controls


def test_fields_figure_draws_every_game():
    games = [dw.make_game(name, 0.5) for name in dw.LABELS]
    fig = dw.fields_figure(games)
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles[:2] == ["GAN", "NS-GAN"] and "R1 (γ = 0.5)" in titles


@pytest.mark.parametrize("name, kind", [("gan", "gan"), ("wgan", "wgan")])
def test_field_is_minus_and_plus_the_gradient_of_the_value(name, kind):
    for theta0, psi0 in POINTS:
        theta = torch.tensor(theta0, dtype=torch.float64, requires_grad=True)
        psi = torch.tensor(psi0, dtype=torch.float64, requires_grad=True)
        grad_theta, grad_psi = torch.autograd.grad(
            dirac.value(theta, psi, kind), (theta, psi)
        )  # G descends L, D ascends it
        torch.testing.assert_close(
            torch.stack(dirac.vector_field(game(name), theta0, psi0)),
            torch.stack([-grad_theta, grad_psi]),
        )


@pytest.mark.parametrize("kind", ["gan", "wgan"])
def test_f_derivatives_by_autograd(kind):
    t = torch.linspace(-6, 6, 25, dtype=torch.float64, requires_grad=True)
    (first,) = torch.autograd.grad(dirac.f(t, kind).sum(), t, create_graph=True)
    torch.testing.assert_close(first, dirac.f_prime(t, kind))
    if kind == "wgan":
        torch.testing.assert_close(dirac.f_second(t, kind), torch.zeros_like(t))
        return
    (second,) = torch.autograd.grad(first.sum(), t)
    torch.testing.assert_close(second, dirac.f_second(t, kind))
    zero = torch.zeros(1, dtype=torch.float64)
    assert dirac.f_prime(zero).item() == 0.5 and dirac.f_second(zero).item() == -0.25
