import math

import pytest
import torch

from gantutor import losses


def test_value_at_the_optimum_is_minus_log_4():
    # p_g = p_data gives D* = 1/2 everywhere, i.e. a logit of 0.
    zeros = torch.zeros(7)
    torch.testing.assert_close(
        losses.gan_value(zeros, zeros), torch.tensor(-math.log(4.0))
    )
    torch.testing.assert_close(losses.gan_d(zeros, zeros), torch.tensor(math.log(4.0)))


def test_losses_match_their_probability_form():
    d_real, d_fake = torch.randn(64), torch.randn(64)
    p_real, p_fake = torch.sigmoid(d_real), torch.sigmoid(d_fake)
    expected_v = p_real.log().mean() + (1 - p_fake).log().mean()
    torch.testing.assert_close(losses.gan_value(d_real, d_fake), expected_v)
    torch.testing.assert_close(losses.minimax_g(d_fake), (1 - p_fake).log().mean())
    torch.testing.assert_close(losses.nonsaturating_g(d_fake), -p_fake.log().mean())


def _grad_wrt_logit(loss_fn, logit: float) -> float:
    d_fake = torch.tensor([logit], dtype=torch.float64, requires_grad=True)
    (grad,) = torch.autograd.grad(loss_fn(d_fake), d_fake)
    return float(grad)


@pytest.mark.parametrize("logit", [-4.0, -8.0, -16.0])
def test_minimax_saturates_and_nonsaturating_does_not(logit):
    # As D(G(z)) = sigmoid(logit) -> 0, d/dlogit of log(1 - sigmoid) = -sigmoid -> 0,
    # while d/dlogit of -log sigmoid = -(1 - sigmoid) -> -1.
    p = 1 / (1 + math.exp(-logit))
    assert _grad_wrt_logit(losses.minimax_g, logit) == pytest.approx(-p, rel=1e-9)
    assert _grad_wrt_logit(losses.nonsaturating_g, logit) == pytest.approx(
        -(1 - p), rel=1e-9
    )
    assert abs(_grad_wrt_logit(losses.minimax_g, logit)) < 0.02
    assert abs(_grad_wrt_logit(losses.nonsaturating_g, logit)) > 0.98


def test_losses_stay_finite_for_extreme_logits():
    big = torch.tensor([1e4, -1e4])
    for value in (
        losses.gan_d(big, big),
        losses.minimax_g(big),
        losses.nonsaturating_g(big),
    ):
        assert torch.isfinite(value)


def test_registry_and_its_error():
    assert losses.get("minimax").g is losses.minimax_g
    assert losses.get("non-saturating").g is losses.nonsaturating_g
    assert losses.get(losses.LOSSES["minimax"]) is losses.LOSSES["minimax"]
    with pytest.raises(ValueError, match="known losses: minimax, non-saturating"):
        losses.get("wgan")


def test_logits_of_the_wrong_shape_are_refused():
    with pytest.raises(ValueError, match="one realness logit per sample"):
        losses.gan_d(torch.zeros(4, 2), torch.zeros(4))
    torch.testing.assert_close(
        losses.nonsaturating_g(torch.zeros(4, 1)),
        losses.nonsaturating_g(torch.zeros(4)),
    )


def test_hinge_is_zero_outside_the_margins():
    d_real, d_fake = torch.tensor([1.0, 3.0]), torch.tensor([-1.0, -5.0])
    torch.testing.assert_close(losses.hinge_d(d_real, d_fake), torch.tensor(0.0))
    # Inside the margins: relu(1 - 0.5) = 0.5, relu(1 + 0) = 1; means 0.25 and 0.5.
    d_real, d_fake = torch.tensor([0.5, 2.0]), torch.tensor([0.0, -2.0])
    torch.testing.assert_close(losses.hinge_d(d_real, d_fake), torch.tensor(0.75))
    torch.testing.assert_close(
        losses.hinge_g(torch.tensor([1.0, -3.0])), torch.tensor(1.0)
    )


def test_hinge_gradients_are_minus_one_over_b_inside_the_margin_and_zero_outside():
    d_real = torch.tensor([0.0, 2.0, -1.0, 1.5], requires_grad=True)
    d_fake = torch.tensor([0.0, -2.0, 1.0, -0.5], requires_grad=True)
    losses.hinge_d(d_real, d_fake).backward()
    torch.testing.assert_close(d_real.grad, torch.tensor([-0.25, 0.0, -0.25, 0.0]))
    torch.testing.assert_close(d_fake.grad, torch.tensor([0.25, 0.0, 0.25, 0.25]))
    d_fake = torch.tensor([5.0, -5.0], requires_grad=True)
    losses.hinge_g(d_fake).backward()
    torch.testing.assert_close(d_fake.grad, torch.tensor([-0.5, -0.5]))


def test_hinge_is_registered_as_a_score_and_checks_its_input():
    assert losses.get("hinge").d is losses.hinge_d
    assert losses.get("hinge").g is losses.hinge_g
    assert losses.get("hinge").surface == "score"
    with pytest.raises(ValueError, match="one realness logit per sample"):
        losses.hinge_d(torch.zeros(4), torch.zeros(4, 2))
    with pytest.raises(ValueError, match="one realness logit per sample"):
        losses.hinge_g(torch.zeros(2, 2))
