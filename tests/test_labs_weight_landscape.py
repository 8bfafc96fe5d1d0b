"""Loss landscapes in weight space: filter normalisation, exact restoration of the
weights, a closed-form parabola, the GAN players' losses, and the widget."""

import pytest
import torch
from torch import nn

import gantutor as gt
from gantutor.labs import weight_landscape as wl
from gantutor.widgets import weight_landscape as wlw


def _mlp() -> nn.Module:
    return nn.Sequential(nn.Linear(3, 5), nn.LeakyReLU(0.2), nn.Linear(5, 2))


def _state(model: nn.Module) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in model.state_dict().items()}


def _assert_identical(model: nn.Module, state: dict[str, torch.Tensor]) -> None:
    for k, v in model.state_dict().items():
        assert torch.equal(v, state[k]), k  # bit-identical, not merely close


def test_filter_norms_equal_weight_norms_and_biases_are_zero():
    model = nn.Sequential(nn.Conv2d(2, 4, 3), nn.BatchNorm2d(4), nn.Linear(6, 3))
    direction = wl.random_direction(model, seed=0)
    for (name, p), d in zip(model.named_parameters(), direction, strict=True):
        if p.dim() == 1:  # biases and BatchNorm's weight and bias
            assert torch.equal(d, torch.zeros_like(p)), name
        else:
            torch.testing.assert_close(
                d.flatten(1).norm(dim=1), p.detach().flatten(1).norm(dim=1)
            )
            assert not torch.allclose(d, p.detach())  # a new direction, not θ


def test_filter_normalize_checks_shapes():
    with pytest.raises(ValueError, match="same shape"):
        wl.filter_normalize(torch.ones(2, 3), torch.ones(3, 2))


def test_directions_are_seeded():
    model = _mlp()
    same = wl.random_direction(model, 3), wl.random_direction(model, 3)
    other = wl.random_direction(model, 4)
    for a, b, c in zip(*same, other, strict=True):
        assert torch.equal(a, b)
        assert a.dim() == 1 or not torch.equal(a, c)


def test_raw_direction_is_gaussian_everywhere():
    model = _mlp()
    raw = wl.random_direction(model, 0, normalize=False)
    assert all(d.abs().sum() > 0 for d in raw)  # biases too


def _rescaled(model: nn.Module, c: float) -> nn.Module:
    """The same function: first layer (weights and bias) × c, second ÷ c."""
    other = _copy(model)
    with torch.no_grad():
        other[0].weight.mul_(c), other[0].bias.mul_(c), other[2].weight.div_(c)
    return other


def _copy(model: nn.Module) -> nn.Module:
    other = _mlp()
    other.load_state_dict(model.state_dict())
    return other


def test_filter_normalised_landscape_is_invariant_to_rescaling_raw_is_not():
    model, x = _mlp(), torch.randn(64, 3)
    y = torch.randn(64, 2)
    big = _rescaled(model, 10.0)
    torch.testing.assert_close(big(x), model(x))  # LeakyReLU is homogeneous

    def lines(normalize: bool) -> list[torch.Tensor]:
        out = []
        for m in (model, big):
            d = wl.random_direction(m, 0, normalize=normalize)
            _, values = wl.line(lambda m=m: (m(x) - y).square().mean(), m, d, 1.0, 9)
            out.append(values)
        return out

    small_f, big_f = lines(normalize=True)
    torch.testing.assert_close(small_f, big_f, rtol=1e-4, atol=1e-5)
    small_raw, big_raw = lines(normalize=False)
    assert (small_raw - big_raw).abs().max() > 1.0


def test_center_of_the_grid_is_the_loss_at_the_trained_weights():
    model, x = _mlp(), torch.randn(32, 3)

    def loss_fn():
        return model(x).square().mean()

    expected = loss_fn().item()
    land = wl.surface(
        loss_fn, model, wl.random_direction(model, 0), wl.random_direction(model, 1),
        r=0.5, n=7,
    )  # fmt: skip
    assert land.values.shape == (7, 7)
    assert land.values[3, 3].item() == expected == land.center
    assert land.values.std() > 0  # the plane is not flat


def test_weights_are_bit_identical_after_evaluation_and_after_an_exception():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 1))
    model.train()
    x, before = torch.randn(16, 3), _state(model)
    d1, d2 = wl.random_direction(model, 0), wl.random_direction(model, 1)
    wl.surface(lambda: model(x).mean(), model, d1, d2, r=0.3, n=5)
    _assert_identical(model, before)  # BatchNorm buffers included
    assert model.training and model[1].training
    assert all(p.requires_grad and p.grad is None for p in model.parameters())

    calls = []

    def failing():
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("boom")
        return model(x).mean()

    with pytest.raises(RuntimeError, match="boom"):
        wl.surface(failing, model, d1, d2, r=0.3, n=5)
    _assert_identical(model, before)
    assert all(p.requires_grad for p in model.parameters())


def test_a_quadratic_loss_of_a_linear_model_gives_an_exact_parabola():
    # L(w) = mean((Xw − y)²): along w + α d, f''(α) = 2 mean((Xd)²) exactly.
    model = nn.Linear(4, 1, bias=False).double()
    X = torch.randn(50, 4, dtype=torch.float64)
    y = torch.randn(50, 1, dtype=torch.float64)
    d = wl.random_direction(model, 0)
    alphas, values = wl.line(lambda: (model(X) - y).square().mean(), model, d, 2.0, 11)
    expected = 2 * (X @ d[0].T).square().mean().item()
    torch.testing.assert_close(wl.curvature(alphas, values), expected)
    torch.testing.assert_close(wl.curvature(alphas, values, width=0.5), expected)
    w = model.weight.detach()
    exact = [((X @ (w + a * d[0]).T) - y).square().mean() for a in alphas.tolist()]
    torch.testing.assert_close(values, torch.stack(exact))
    assert abs(wl.curvature(alphas, values) - 1.1 * expected) > 1e-3  # could fail


def test_quadratic_fit_recovers_gradient_and_hessian_of_a_saddle():
    # f(α, β) = 1 + 0.5 α − β + ½(2α² − 3β²) + 0.4 αβ on the grid.
    ticks = torch.linspace(-1, 1, 9, dtype=torch.float64)
    bb, aa = torch.meshgrid(ticks, ticks, indexing="ij")
    f = 1 + 0.5 * aa - bb + 0.5 * (2 * aa**2 - 3 * bb**2) + 0.4 * aa * bb
    g, H = wl.quadratic_fit(wl.Landscape(ticks, ticks, f, 1.0))
    torch.testing.assert_close(g, torch.tensor([0.5, -1.0], dtype=torch.float64))
    expected = torch.tensor([[2.0, 0.4], [0.4, -3.0]], dtype=torch.float64)
    torch.testing.assert_close(H, expected)
    land = wl.Landscape(ticks, ticks, f, 1.0)
    torch.testing.assert_close(land.slice("alpha")[1], f[4])
    torch.testing.assert_close(land.slice("beta")[1], f[:, 4])


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(r=0.0), "r must be positive"),
        (dict(r=-1.0), "r must be positive"),
        (dict(n=1), "at least 2 points"),
    ],
)
def test_bad_grids_are_refused(kwargs, message):
    model = _mlp()
    d = wl.random_direction(model, 0)
    with pytest.raises(ValueError, match=message):
        wl.surface(lambda: torch.zeros(()), model, d, d, **kwargs)
    with pytest.raises(ValueError, match=message):
        wl.line(lambda: torch.zeros(()), model, d, **kwargs)


def test_other_bad_arguments_are_refused():
    model = _mlp()
    d = wl.random_direction(model, 0)
    with pytest.raises(ValueError, match="one tensor per parameter"):
        wl.surface(lambda: torch.zeros(()), model, d[:1], d, n=3)
    with pytest.raises(ValueError, match="at least 3 points"):
        wl.curvature(torch.linspace(-1, 1, 5), torch.zeros(5), width=0.1)
    with pytest.raises(ValueError, match="axis"):
        wl.Landscape(torch.zeros(2), torch.zeros(2), torch.zeros(2, 2), 0.0).slice("x")
    with pytest.raises(ValueError, match="every"):
        wl.WeightSnapshots({"m": model}, every=0)


def _gan(seed: int = 0):
    gt.seed(seed)
    G = gt.models.MLPGenerator(4, 2, hidden=16, depth=2)
    D = gt.models.MLPDiscriminator(2, hidden=16, depth=2)
    return G, D, gt.data.ring().sample(64), torch.randn(64, 4)


def test_gan_loss_names_and_nets_are_checked():
    G, D, x_real, z = _gan()
    with pytest.raises(ValueError, match="unknown loss 'softplus'.*non-saturating"):
        wl.gan_loss(G, D, x_real, z, "D", "softplus")
    with pytest.raises(ValueError, match="net must be one of"):
        wl.gan_loss(G, D, x_real, z, "Q")
    with pytest.raises(ValueError, match="lambda_gp"):
        wl.gan_loss(G, D, x_real, z, "D", lambda_gp=-1.0)


@pytest.mark.parametrize("net", ["D", "G"])
@pytest.mark.parametrize("loss, lambda_gp", [("non-saturating", 0.0),
                                             ("wasserstein", 10.0)])  # fmt: skip
def test_gan_landscape_center_is_the_players_loss_and_weights_survive(
    net, loss, lambda_gp
):
    G, D, x_real, z = _gan()
    before = _state(G), _state(D)
    rng = torch.get_rng_state()
    land = wl.gan_landscape(G, D, x_real, z, net, loss, lambda_gp, r=0.5, n=5)
    assert torch.equal(torch.get_rng_state(), rng)  # the penalty's draw is forked
    _assert_identical(G, before[0]), _assert_identical(D, before[1])
    rules = gt.losses.get(loss)
    with torch.no_grad():
        x_fake = G(z)
        plain = rules.d(D(x_real), D(x_fake)) if net == "D" else rules.g(D(x_fake))
    if lambda_gp and net == "D":  # the penalty is the critic's only
        with torch.random.fork_rng():
            torch.manual_seed(0)
            gp = gt.penalties.gradient_penalty(D, x_real, x_fake)
        plain = plain + lambda_gp * gp.detach()
    torch.testing.assert_close(land.values[2, 2].item(), plain.item())
    torch.testing.assert_close(land.center, plain.item())


def test_the_penalty_changes_the_critics_landscape():
    G, D, x_real, z = _gan()
    plain = wl.gan_landscape(G, D, x_real, z, "D", "wasserstein", 0.0, n=3)
    penalised = wl.gan_landscape(G, D, x_real, z, "D", "wasserstein", 10.0, n=3)
    assert (penalised.values - plain.values).abs().min() > 1e-3  # the GP is > 0


def test_the_generators_landscape_moves_only_g():
    G, D, x_real, z = _gan()
    land_G = wl.gan_landscape(G, D, x_real, z, "G", r=0.5, n=3)
    land_D = wl.gan_landscape(G, D, x_real, z, "D", r=0.5, n=3)
    assert land_G.values.std() > 0 and land_D.values.std() > 0
    assert not torch.allclose(land_G.values, land_D.values)


def test_weight_snapshots_and_restore():
    G, D, x_real, z = _gan()
    snaps = wl.WeightSnapshots({"G": G, "D": D}, every=1)

    class FakeTrainer:
        step = 7

    snaps(FakeTrainer())
    with torch.no_grad():
        for p in D.parameters():
            p.add_(1.0)
    step, states = snaps.snapshots[0]
    old = wl.restore(D, states["D"])
    assert step == 7 and old is not D
    assert not torch.equal(old(x_real), D(x_real))


def _landscapes() -> dict:
    out = {}
    for run, (loss, lam) in {"GAN": ("non-saturating", 0.0),
                             "WGAN-GP": ("wasserstein", 10.0)}.items():  # fmt: skip
        G, D, x_real, z = _gan()
        out[run] = {
            net: [
                (step, wl.gan_landscape(G, D, x_real, z, net, loss, lam, r=r, n=5))
                for step, r in [(0, 0.5), (10, 1.0)]
            ]
            for net in wl.NETS
        }
    return out


def test_widget_controls_redraw_and_drawing_depends_only_on_controls():
    explorer = wlw.LandscapeExplorer(_landscapes())
    first = explorer.image.value
    assert first[:4] == b"\x89PNG"
    assert explorer.elevation.disabled and explorer.azimuth.disabled  # contour
    seen = {first}
    for control, value in [
        (explorer.net, "G"),
        (explorer.run, "WGAN-GP"),
        (explorer.snapshot, 0),
        (explorer.view, "surface"),
        (explorer.elevation, 60),
        (explorer.azimuth, 10),
    ]:
        control.value = value
        assert explorer.image.value not in seen, control.description
        seen.add(explorer.image.value)
    (ax,) = explorer.draw(*explorer.setting).axes
    assert ax.name == "3d" and ax.get_title() == (
        "WGAN-GP · step 0 · G's loss, moving G (D fixed)"
    )
    assert not explorer.elevation.disabled
    explorer.run.value, explorer.net.value, explorer.snapshot.value = "GAN", "D", 1
    explorer.view.value = "contour"
    assert explorer.image.value == first


def test_widget_refuses_empty_or_ragged_input():
    with pytest.raises(ValueError, match="at least one run"):
        wlw.LandscapeExplorer({})
    lands = _landscapes()
    lands["GAN"]["D"] = lands["GAN"]["D"][:1]
    with pytest.raises(ValueError, match="same number of snapshots"):
        wlw.LandscapeExplorer(lands)


def test_static_figures():
    lands = _landscapes()
    for fig in (
        wlw.landscape_figure(lands["GAN"]["D"][-1][1], "D"),
        wlw.snapshot_grid(lands, net="G"),
        wlw.slices_figure(lands),
    ):
        assert wlw.viz.to_png(fig)[:4] == b"\x89PNG"
