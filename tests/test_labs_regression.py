import pytest
import torch
from torch.testing import assert_close

from gantutor.labs import regression


def test_without_noise_every_point_lies_on_a_branch():
    x, y = regression.sample(1_000, noise=0.0)
    assert x.shape == y.shape == (1_000, 1)
    assert bool(((x >= -1) & (x < 1)).all())
    assert_close(y.abs(), regression.branch(x))
    assert_close(regression.distance_to_branch(x, y), torch.zeros_like(y))


def test_share_of_the_upper_branch_is_p_upper():
    for p in (0.5, 0.8):
        _, y = regression.sample(20_000, noise=0.0, p_upper=p)
        # binomial standard error: sqrt(p (1 - p) / n) < 0.004
        assert_close((y > 0).float().mean(), torch.tensor(p), atol=0.015, rtol=0)


def test_fair_coin_mse_optimal_prediction_is_zero_between_the_branches():
    x = torch.linspace(-1, 1, 11)[:, None]
    assert_close(regression.mse_optimal(x), torch.zeros_like(x))
    assert not bool(regression.branch_hits(x, regression.mse_optimal(x)).any())


@pytest.mark.parametrize("p_upper", [0.5, 0.8])
def test_conditional_mean_of_samples_matches_the_closed_form(p_upper):
    x = torch.full((40_000, 1), 0.5)
    y = regression.sample_y(x, p_upper=p_upper)
    # the mean of 40,000 draws of a ±0.55 coin: standard error < 0.003
    assert_close(
        y.mean(),
        regression.mse_optimal(x[:1], p_upper=p_upper)[0, 0],
        atol=0.012,
        rtol=0,
    )


@pytest.mark.parametrize("p_upper", [0.5, 0.8])
def test_risk_matches_the_empirical_mse_and_is_smallest_at_the_mean(p_upper):
    x = torch.full((40_000, 1), -0.7)
    y = regression.sample_y(x, p_upper=p_upper)
    for c in (-0.5, 0.0, 0.3, 1.0):
        empirical = (y - c).pow(2).mean()
        assert_close(
            empirical,
            regression.risk(torch.tensor(c), x[0, 0], p_upper=p_upper),
            atol=0.04,
            rtol=0,
        )
    cs = torch.linspace(-2, 2, 401)
    best = cs[regression.risk(cs, torch.tensor(-0.7), p_upper=p_upper).argmin()]
    assert_close(
        best,
        regression.mse_optimal(torch.tensor(-0.7), p_upper=p_upper),
        atol=0.01,
        rtol=0,
    )


def test_risk_at_the_fair_coin_optimum_is_f_squared_plus_noise():
    x = torch.tensor([0.0, 0.5, 1.0])
    f = torch.tensor([0.3, 0.55, 1.3])
    assert_close(regression.risk(torch.zeros(3), x), f**2 + regression.NOISE**2)


def test_distance_and_hits_on_hand_made_points():
    x = torch.tensor([0.0, 0.0, 0.0, 1.0, 1.0])
    y = torch.tensor([0.3, -0.3, 0.0, -1.2, 1.6])
    assert_close(
        regression.distance_to_branch(x, y), torch.tensor([0.0, 0.0, 0.3, 0.1, 0.3])
    )
    assert regression.branch_hits(x, y).tolist() == [True, True, False, True, False]
    assert regression.branch_hits(x, y, tol=0.35).tolist() == [True] * 5


def test_bad_arguments():
    with pytest.raises(ValueError, match="same shape"):
        regression.branch_hits(torch.zeros(3, 1), torch.zeros(3))
    with pytest.raises(ValueError, match="at least 1"):
        regression.sample(0)
    with pytest.raises(ValueError, match="probability"):
        regression.sample(5, p_upper=1.5)
    with pytest.raises(ValueError, match="non-negative"):
        regression.sample(5, noise=-0.1)
    with pytest.raises(ValueError, match="must not cross"):
        regression.branch(torch.zeros(2), gap=-0.1)
