"""Every metric checks its inputs and names the argument that is wrong."""

import numpy as np
import pytest
import torch

from gantutor import metrics

NAN = float("nan")


def with_bad_rows(x: torch.Tensor, rows: list[int], value: float) -> torch.Tensor:
    x = x.clone()
    x[rows, 0] = value
    return x


def good_features() -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    return torch.randn(40, 3, generator=gen), torch.randn(40, 3, generator=gen) + 1


METRICS = {
    "kid": lambda a, b: metrics.kid(a, b, n_subsets=2, subset_size=10),
    "precision_recall": metrics.precision_recall,
    "ndb": lambda a, b: metrics.ndb(a, b, n_bins=2),
    "empirical_w1": metrics.empirical_w1,
}
ARGUMENT_NAMES = {
    "kid": ("f_real", "f_fake"),
    "precision_recall": ("f_real", "f_fake"),
    "ndb": ("x_real", "x_fake"),
    "empirical_w1": ("x", "y"),
}


@pytest.mark.parametrize("value", [NAN, float("inf")])
@pytest.mark.parametrize("which", [0, 1])
@pytest.mark.parametrize("metric", list(METRICS))
def test_two_sample_metrics_name_the_argument_with_nan_rows(metric, which, value):
    args = list(good_features())
    args[which] = with_bad_rows(args[which], [1, 5, 7], value)
    name = ARGUMENT_NAMES[metric][which]
    with pytest.raises(ValueError, match=f"^{name} has 3 rows with NaN or infinite"):
        METRICS[metric](*args)


def test_statistics_of_nan_features_are_refused():
    f = with_bad_rows(torch.randn(50, 4), [3], NAN)
    with pytest.raises(ValueError, match="^f has 1 row with NaN or infinite"):
        metrics.statistics(f)
    with pytest.raises(ValueError, match="^f has 1 row with"):
        metrics.statistics(f.split(20))


def covariance_args() -> list[np.ndarray]:
    x = np.random.default_rng(0).normal(size=(30, 4))
    mu, sigma = x.mean(axis=0), np.cov(x, rowvar=False)
    return [mu, sigma, mu + 1, sigma]


@pytest.mark.parametrize(
    "which, name", list(enumerate(["mu1", "sigma1", "mu2", "sigma2"]))
)
def test_frechet_distance_names_the_statistic_with_nan(which, name):
    args = covariance_args()
    args[which] = args[which].copy()
    args[which][1] = NAN
    with pytest.raises(ValueError, match=f"^{name} has 1 .*NaN or infinite"):
        metrics.frechet_distance(*args)


@pytest.mark.parametrize("which, name", [(1, "sigma1"), (3, "sigma2")])
def test_an_indefinite_matrix_is_not_a_covariance(which, name):
    args = covariance_args()
    w, V = np.linalg.eigh(args[which])
    w[0] = -0.5 * w[-1]  # one negative eigenvalue, half the largest in size
    args[which] = (V * w) @ V.T
    message = f"^{name} is not a covariance.*most negative eigenvalue {w[0]:.4g}"
    with pytest.raises(ValueError, match=message):
        metrics.frechet_distance(*args)


def test_a_non_symmetric_matrix_is_not_a_covariance():
    mu1, sigma1, mu2, sigma2 = covariance_args()
    sigma2 = sigma2 + np.triu(np.ones((4, 4)), k=1)  # its symmetric part is PSD
    with pytest.raises(ValueError, match="^sigma2 is not a covariance: not symmetric"):
        metrics.frechet_distance(mu1, sigma1, mu2, sigma2)


def test_covariances_with_round_off_negative_eigenvalues_still_pass():
    # Fewer samples than dimensions, accumulated in float32 then in float64: the
    # null eigenvalues come out as tiny negatives (about -1e-7 and -1e-15 λ_max).
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2, 64, 256, generator=gen) @ torch.randn(256, 256, generator=gen)
    x = x + 50
    for dtype in (torch.float32, torch.float64):
        mu1, mu2 = x.to(dtype).mean(dim=1)
        sigma1, sigma2 = (torch.cov(f.T) for f in x.to(dtype))
        assert float(torch.linalg.eigvalsh(sigma1.double())[0]) < 0  # round-off
        got = metrics.frechet_distance(mu1, sigma1, mu2, sigma2)
        assert got > 0
        same = metrics.frechet_distance(mu1, sigma1, mu1, sigma1)
        scale = float(sigma1.trace())
        torch.testing.assert_close(same, 0.0, rtol=0, atol=1e-3 * scale)


def test_inception_score_refuses_nan_and_positive_infinity():
    logits = torch.randn(20, 5)
    for value in (NAN, float("inf")):
        with pytest.raises(ValueError, match="^logits has 2 rows with NaN or"):
            metrics.inception_score(with_bad_rows(logits, [0, 9], value), splits=2)
    logits[3] = -torch.inf  # a log-probability of 0 for every class
    with pytest.raises(ValueError, match="^logits has 1 row at -inf for every class"):
        metrics.inception_score(logits, splits=2)


def test_kid_names_n_subsets_and_subset_size():
    f_real, f_fake = good_features()
    with pytest.raises(ValueError, match="^n_subsets must be ≥ 1, got 0"):
        metrics.kid(f_real, f_fake, n_subsets=0)
    with pytest.raises(ValueError, match="subset_size=1"):
        metrics.kid(f_real, f_fake, subset_size=1)


def test_features_refuse_a_batch_size_below_one():
    x = torch.rand(4, 1, 28, 28)
    with pytest.raises(ValueError, match="^batch_size must be ≥ 1, got 0"):
        metrics.features(x, "mnist-cnn", "[0,1]", batch_size=0, progress=False)
