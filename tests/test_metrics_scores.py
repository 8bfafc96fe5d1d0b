import math

import pytest
import torch

from gantutor import metrics
from gantutor.metrics import manifold, scores

# --- Inception Score --------------------------------------------------------------


def one_hot_logits(labels: torch.Tensor, n_classes: int) -> torch.Tensor:
    """Logits whose softmax is one-hot up to e^-50."""
    return 50.0 * torch.nn.functional.one_hot(labels, n_classes).double()


def test_uniform_one_hot_predictions_score_the_number_of_classes():
    labels = torch.arange(1000) % 10
    mean, std = metrics.inception_score(one_hot_logits(labels, 10), splits=1)
    assert (mean, std) == (pytest.approx(10.0, rel=1e-9), 0.0)
    # Ten shuffled splits of 100: each sees the classes in about equal shares.
    mean, std = metrics.inception_score(one_hot_logits(labels, 10), splits=10)
    assert mean == pytest.approx(10.0, rel=0.1)
    assert std == pytest.approx(0.15, abs=0.15)


def test_identical_predictions_score_one():
    logits = torch.randn(1, 7).expand(500, 7)
    mean, std = metrics.inception_score(logits, splits=5)
    assert mean == pytest.approx(1.0, abs=1e-12)
    assert std == pytest.approx(0.0, abs=1e-12)


def test_splits_are_shuffled():
    # Sorted by class, unshuffled splits would each hold one class: a score of 1.
    labels = torch.arange(1000) // 100
    mean, _ = metrics.inception_score(one_hot_logits(labels, 10), splits=10)
    assert mean == pytest.approx(10.0, rel=0.1)


def test_inception_score_matches_the_formula_on_random_logits():
    logits = torch.randn(60, 5, dtype=torch.float64)
    p = logits.softmax(dim=1)
    py = p.mean(dim=0)
    expected = math.exp(float((p * (p / py).log()).sum(dim=1).mean()))
    assert metrics.inception_score(logits, splits=1)[0] == pytest.approx(expected)


def test_zero_probabilities_count_as_zero_log_zero():
    # p(y|x) = (½, ½, 0) and (0, ½, ½): p(y) = (¼, ½, ¼), each KL = ½ log 2.
    p = torch.tensor([[0.5, 0.5, 0.0], [0.0, 0.5, 0.5]], dtype=torch.float64)
    mean, std = metrics.inception_score(p.log(), splits=1)  # log 0 = -inf
    torch.testing.assert_close((mean, std), (math.sqrt(2), 0.0))
    one_hot = torch.nn.functional.one_hot(torch.arange(1000) % 10).double()
    mean, std = metrics.inception_score(one_hot.log(), splits=1)
    torch.testing.assert_close((mean, std), (10.0, 0.0))


def test_probabilities_given_as_logits_are_refused():
    logits = 3 * torch.randn(500, 10, generator=torch.Generator().manual_seed(0))
    expected = metrics.inception_score(logits, splits=1)[0]
    probs = logits.softmax(dim=1)  # the softmax of these is nearly uniform
    with pytest.raises(ValueError, match=r"look like probabilities.*probs\.log\(\)"):
        metrics.inception_score(probs, splits=1)
    torch.testing.assert_close(
        metrics.inception_score(probs.log(), splits=1)[0], expected, rtol=1e-6, atol=0
    )


def test_inception_score_bad_splits():
    with pytest.raises(ValueError, match="splits must be between 1 and N=4"):
        metrics.inception_score(torch.randn(4, 3), splits=5)


# --- KID ------------------------------------------------------------------------


def test_kernel_is_the_cubic_polynomial():
    x, y = torch.randn(3, 4).double(), torch.randn(2, 4).double()
    expected = torch.stack([torch.stack([(a @ b / 4 + 1) ** 3 for b in y]) for a in x])
    torch.testing.assert_close(scores.polynomial_kernel(x, y), expected)


def expected_mmd2(d: int, shift: float) -> float:
    """MMD² of N(0, I) and N(shift·1, I) under k(x, y) = (xᵀy/d + 1)³, exactly.

    With u = xᵀy: E k = E u³/d³ + 3 E u²/d² + 3 E u/d + 1. For x, x' ~ N(0, I),
    E u = 0, E u² = d, E u³ = 0; for y, y' ~ N(μ, I), m = |μ|², E u = m,
    E u² = m² + 2m + d, E u³ = m³ + 3m(2m + d) + 6m; across, E u² = m + d.
    """
    m = shift**2 * d

    def k(e1, e2, e3):
        return e3 / d**3 + 3 * e2 / d**2 + 3 * e1 / d + 1

    k_xx = k(0, d, 0)
    k_yy = k(m, m * m + 2 * m + d, m**3 + 3 * m * (2 * m + d) + 6 * m)
    return k_xx + k_yy - 2 * k(0, m + d, 0)


def test_kid_of_one_distribution_is_about_zero():
    f_real, f_fake = torch.randn(600, 16), torch.randn(600, 16)
    mean, std = metrics.kid(f_real, f_fake, n_subsets=20, subset_size=300)
    assert mean == pytest.approx(expected_mmd2(16, 0.0), abs=3 * std)
    assert std == pytest.approx(0.01, abs=0.01)


def test_kid_of_shifted_distributions_is_clearly_positive():
    f_real, f_fake = torch.randn(600, 16), torch.randn(600, 16) + 1.0
    mean, std = metrics.kid(f_real, f_fake, n_subsets=20, subset_size=300)
    assert expected_mmd2(16, 1.0) == pytest.approx(7.5859, abs=1e-4)
    assert mean == pytest.approx(expected_mmd2(16, 1.0), rel=0.1)
    assert std == pytest.approx(0.25, abs=0.2)


def test_mmd_estimator_is_unbiased_not_the_biased_v_statistic():
    x, y = torch.randn(5, 3).double(), torch.randn(5, 3).double()
    k = scores.polynomial_kernel
    off = ~torch.eye(5, dtype=torch.bool)
    expected = k(x, x)[off].mean() + k(y, y)[off].mean() - 2 * k(x, y).mean()
    torch.testing.assert_close(scores.mmd2_unbiased(x, y), expected)


# --- precision and recall ---------------------------------------------------------


def clusters(centres: torch.Tensor, n_each: int, std: float = 0.1) -> torch.Tensor:
    return (
        centres.repeat_interleave(n_each, 0)
        + std * torch.randn(len(centres) * n_each, centres.shape[1])
    ).double()


CORNERS = torch.tensor([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0], [10.0, 10.0]])


def test_a_subset_of_the_real_data_has_precision_one():
    f_real = clusters(CORNERS, 100)
    precision, recall = metrics.precision_recall(f_real, f_real[::7])
    assert precision == 1.0
    assert recall == pytest.approx(0.9, abs=0.1)  # a sparser fake manifold


def test_covering_half_the_modes_gives_recall_one_half():
    f_real = clusters(CORNERS, 200)
    f_fake = clusters(CORNERS[:2], 200)
    precision, recall = metrics.precision_recall(f_real, f_fake, k=3)
    assert precision == pytest.approx(1.0, abs=0.02)
    assert recall == pytest.approx(0.5, abs=0.03)


def test_fake_far_from_the_data_has_precision_zero():
    f_real = clusters(CORNERS, 50)
    precision, recall = metrics.precision_recall(f_real, f_real + 100.0)
    assert (precision, recall) == (0.0, 0.0)


def test_knn_radius_excludes_the_point_itself():
    f = torch.tensor([[0.0], [1.0], [3.0], [6.0]]).double()
    radii = manifold.knn_radii(f, k=1)
    torch.testing.assert_close(radii, torch.tensor([1.0, 1.0, 2.0, 3.0]).double())


# --- NDB ------------------------------------------------------------------------


GRID = torch.cartesian_prod(torch.arange(5.0), torch.arange(2.0)) * 10  # 10 modes


def test_identical_samples_have_no_different_bins():
    x = clusters(GRID, 100)
    result = metrics.ndb(x, x.clone(), n_bins=10)
    assert result.ndb == 0
    torch.testing.assert_close(result.z, torch.zeros(10).double())
    torch.testing.assert_close(result.real_proportions, result.fake_proportions)


def test_a_dropped_mode_makes_its_bin_different():
    x_real = clusters(GRID, 100)  # 1,000 samples, 10 % per mode
    x_fake = clusters(GRID[1:], 111)  # mode 0 dropped, 999 samples
    result = metrics.ndb(x_real, x_fake, n_bins=10)
    dropped = int(torch.cdist(GRID[:1].double(), result.centres).argmin())
    assert result.significant.nonzero().flatten().tolist() == [dropped]
    assert (result.ndb, result.ndb_over_k) == (1, 0.1)
    assert float(result.fake_proportions[dropped]) == 0.0
    assert float(result.real_proportions[dropped]) == pytest.approx(0.1)
    pooled = 100 / 1999  # (1000 · 0.1 + 999 · 0) / (1000 + 999)
    z = 0.1 / math.sqrt(pooled * (1 - pooled) * (1 / 1000 + 1 / 999))
    assert float(result.z[dropped]) == pytest.approx(z, rel=1e-12)


def test_ndb_bad_bins():
    with pytest.raises(ValueError, match="n_bins must be between 2 and 5"):
        metrics.ndb(torch.randn(5, 2), torch.randn(5, 2), n_bins=6)
