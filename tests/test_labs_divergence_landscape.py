"""The divergence landscape: closed forms against quadrature, slopes against finite
differences, the disjoint-supports case of Arjovsky et al. 2017, and its widgets."""

import math

import pytest
import torch

from gantutor.labs import divergence_landscape as landscape
from gantutor.labs.divergences import js_divergence, kl_divergence, normal_pdf
from gantutor.losses import fdiv as fgan
from gantutor.widgets import divergence_landscape as lw

X = torch.linspace(-22, 22, 44_001, dtype=torch.float64)  # χ² needs long tails
THETAS = [-2.5, 0.0, 0.7, 3.0]


def by_quadrature(theta: float, sigma: float) -> dict[str, float]:
    p, q = normal_pdf(X), normal_pdf(X, theta, sigma)
    u = torch.linspace(1e-7, 1 - 1e-7, 200_001, dtype=torch.float64)
    z = torch.special.ndtri(u)  # F_P⁻¹(u); F_Q⁻¹(u) = θ + σ z
    return {
        "JS": js_divergence(p, q, X).item(),
        "KL": kl_divergence(p, q, X).item(),
        "reverse KL": kl_divergence(q, p, X).item(),
        "Pearson χ²": fgan.f_divergence("pearson", p, q, X).item(),
        "squared Hellinger": fgan.f_divergence("hellinger", p, q, X).item(),
        "W1": torch.trapezoid((z - theta - sigma * z).abs(), u).item(),
    }


@pytest.mark.parametrize("sigma", [0.8, 1.0, 1.7])
def test_gaussian_closed_forms_match_quadrature(sigma):
    values = landscape.gaussian(torch.tensor(THETAS, dtype=torch.float64), sigma)
    for i, theta in enumerate(THETAS):
        for name, expected in by_quadrature(theta, sigma).items():
            torch.testing.assert_close(
                values[name][i].item(), expected, rtol=1e-4, atol=1e-4, msg=name
            )


def test_w1_of_equal_variance_gaussians_is_the_shift():
    theta = torch.linspace(-5, 5, 41, dtype=torch.float64)
    torch.testing.assert_close(landscape.gaussian(theta, 1.0)["W1"], theta.abs())


def test_pearson_is_infinite_when_q_is_too_narrow():
    theta = torch.tensor([0.0, 1.0], dtype=torch.float64)
    assert landscape.gaussian(theta, 0.7)["Pearson χ²"].isinf().all()  # σ² < ½
    assert landscape.gaussian(theta, 0.8)["Pearson χ²"].isfinite().all()


@pytest.mark.parametrize("case, sigma", [("gaussian", 0.6), ("gaussian", 1.4),
                                         ("uniform", 2.0)])  # fmt: skip
def test_slopes_match_finite_differences(case, sigma):
    theta = torch.tensor([-1.7, -0.4, 0.9, 1.3], dtype=torch.float64)
    h = 1e-5
    up = landscape.CASES[case](theta + h, sigma)
    down = landscape.CASES[case](theta - h, sigma)
    for name, (value, slope) in landscape.landscape(case, theta, sigma).items():
        if value.isfinite().all():
            torch.testing.assert_close(
                slope, (up[name] - down[name]) / (2 * h), rtol=1e-4, atol=1e-6
            )
        else:
            assert slope.isnan().all()


def test_disjoint_supports_js_is_log2_and_flat_while_w1_grows():
    theta = torch.tensor([-3.0, -0.5, 0.5, 1.0, 4.0], dtype=torch.float64)
    out = landscape.landscape("segments", theta)
    js, js_slope = out["JS"]
    torch.testing.assert_close(js, torch.full_like(theta, math.log(2)))
    torch.testing.assert_close(js_slope, torch.zeros_like(theta))
    w1, w1_slope = out["W1"]
    torch.testing.assert_close(w1, theta.abs())
    torch.testing.assert_close(w1_slope, theta.sign())
    assert out["KL"][0].isinf().all() and out["KL"][1].isnan().all()
    torch.testing.assert_close(out["squared Hellinger"][0], torch.full_like(theta, 2))
    zero = landscape.landscape("segments", torch.zeros(1))
    assert all(value.item() == 0 for value, _ in zero.values())


def test_uniform_js_matches_quadrature_and_saturates_once_apart():
    width = 1.5
    x = torch.linspace(-3, 6, 90_001, dtype=torch.float64)
    p = ((x >= 0) & (x <= width)).double() / width
    for theta in [0.3, 0.9, 1.5, 2.5]:
        q = ((x >= theta) & (x <= theta + width)).double() / width
        value = landscape.uniform(torch.tensor([theta], dtype=torch.float64), width)
        expected = js_divergence(p, q, x).item()
        torch.testing.assert_close(value["JS"].item(), expected, atol=1e-3, rtol=0)
    far = landscape.uniform(torch.tensor([1.5, 4.0], dtype=torch.float64), width)
    torch.testing.assert_close(far["JS"], torch.full((2,), math.log(2)).double())


def test_unknown_case_and_bad_scale_are_refused():
    with pytest.raises(ValueError, match="known: gaussian, uniform, segments"):
        landscape.landscape("circles", torch.zeros(3))
    with pytest.raises(ValueError, match="sigma"):
        landscape.gaussian(torch.zeros(3), 0.0)


def test_landscape_widget_controls_redraw():
    widget = lw.DivergenceLandscape(n=41)
    first = widget.image.value
    assert first[:4] == b"\x89PNG"
    widget.theta.value = -1.0
    second = widget.image.value
    assert second != first
    left = widget.draw(*widget.setting).axes[0]
    assert left.get_title() == "P = N(0, 1), Q = N(-1.0, 1.00²)"
    widget.sigma.value = 0.5
    assert widget.image.value != second and not widget.sigma.disabled
    widget.case.value = "segments"
    assert widget.sigma.disabled
    widget.case.value, widget.sigma.value, widget.theta.value = "gaussian", 1.0, 3.0
    assert widget.image.value == first  # drawing is a function of the controls


def test_fits_widget_menu_redraws():
    x = torch.linspace(-5, 5, 201, dtype=torch.float64)
    runs = {
        "kl": torch.tensor([[0, 0.0, 1.0], [100, 0.5, 2.0]]),
        "reverse-kl": torch.tensor([[0, 0.0, 1.0], [100, 2.0, 0.5]]),
    }
    widget = lw.FGANFits(runs, x, normal_pdf(x), best={"kl": (0.0, 2.0)})
    first = widget.image.value
    widget.menu.value = "reverse-kl"
    assert widget.image.value != first and widget.image.value[:4] == b"\x89PNG"
    fit, path = widget.draw(*widget.setting).axes
    assert fit.get_title() == "reverse-kl: μ = 2.00, σ = 0.50 (step 100)"
    assert [t.get_text() for t in path.get_legend().get_texts()] == ["start", "end"]
    labels = [t.get_text() for t in widget.draw("kl").axes[1].get_legend().get_texts()]
    assert labels == ["start", "end", "best"]  # only kl has a best fit
    with pytest.raises(ValueError, match="at least one run"):
        lw.FGANFits({}, x, normal_pdf(x))
