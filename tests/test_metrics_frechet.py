import numpy as np
import pytest
import torch
from pytorch_fid.fid_score import calculate_frechet_distance

from gantutor import metrics
from gantutor.metrics import cache

# pytorch-fid's scipy sqrtm warns (deprecated `disp`, singular products): not ours.
pytestmark = [
    pytest.mark.filterwarnings("ignore:The `disp` argument:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:Matrix is singular:scipy.linalg.LinAlgWarning"),
]


def random_statistics(d: int, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and covariance of n correlated Gaussian samples in d dimensions."""
    gen = np.random.default_rng(seed)
    x = gen.normal(size=(n, d)) @ gen.normal(size=(d, d)) + gen.normal(size=d)
    return x.mean(axis=0), np.cov(x, rowvar=False)


def test_equal_covariances_give_the_squared_mean_difference():
    mu1, sigma = random_statistics(16, 100, seed=0)
    mu2 = mu1 + np.arange(16) / 4
    expected = float(((mu1 - mu2) ** 2).sum())
    got = metrics.frechet_distance(mu1, sigma, mu2, sigma)
    assert got == pytest.approx(expected, rel=1e-9)


def test_diagonal_covariances_have_a_closed_form():
    # Commuting covariances: tr sqrt(S1 S2) = sum sqrt(a_i b_i).
    a, b = torch.rand(8, dtype=torch.float64) + 0.1, torch.rand(8).double() + 0.1
    mu1, mu2 = torch.zeros(8).double(), torch.ones(8).double()
    expected = 8.0 + float(((a.sqrt() - b.sqrt()) ** 2).sum())
    got = metrics.frechet_distance(mu1, a.diag(), mu2, b.diag())
    assert got == pytest.approx(expected, rel=1e-12)


def test_symmetric_and_zero_on_identical_statistics():
    mu1, sigma1 = random_statistics(32, 200, seed=1)
    mu2, sigma2 = random_statistics(32, 200, seed=2)
    d12 = metrics.frechet_distance(mu1, sigma1, mu2, sigma2)
    d21 = metrics.frechet_distance(mu2, sigma2, mu1, sigma1)
    assert d12 == pytest.approx(d21, rel=1e-10)
    assert metrics.frechet_distance(mu1, sigma1, mu1, sigma1) == pytest.approx(
        0.0, abs=1e-9 * np.trace(sigma1)
    )


def near_singular(d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A covariance with eigenvalues from 1 down to 1e-10."""
    gen = np.random.default_rng(seed)
    q, _ = np.linalg.qr(gen.normal(size=(d, d)))
    return 0.01 * gen.normal(size=d), (q * np.logspace(0, -10, d)) @ q.T


def rank_deficient(d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Statistics of fewer samples (d/2) than dimensions: a singular covariance."""
    return random_statistics(d, d // 2, seed)


@pytest.mark.parametrize(
    "make", [random_statistics, near_singular, rank_deficient], ids=lambda f: f.__name__
)
def test_agrees_with_pytorch_fid(make):
    d = 64
    s1 = make(d, 80, seed=3) if make is random_statistics else make(d, seed=3)
    s2 = make(d, 80, seed=4) if make is random_statistics else make(d, seed=4)
    expected = calculate_frechet_distance(s1[0], s1[1], s2[0], s2[1])
    got = metrics.frechet_distance(s1[0], s1[1], s2[0], s2[1])
    assert got == pytest.approx(expected, rel=1e-6)


def test_singular_first_covariance_takes_the_eigenvalue_route():
    mu1, sigma1 = rank_deficient(32, seed=5)
    mu2, sigma2 = random_statistics(32, 100, seed=6)
    expected = calculate_frechet_distance(mu1, sigma1, mu2, sigma2)
    got = metrics.frechet_distance(mu1, sigma1, mu2, sigma2)
    assert got == pytest.approx(expected, rel=1e-6)


def test_dead_units_do_not_leave_round_off_square_roots():
    # ReLU features, 40 of 64 units never active: a singular covariance whose null
    # eigenvalues, squared in Lᵀ Σ₂ L, would add sqrt(round-off) ~ 1e-6 λ_max each.
    f1, f2 = (torch.randn(2, 500, 64).double() @ torch.randn(64, 64).double()).relu()
    dead = torch.randperm(64)[:40]
    f1[:, dead], f2[:, dead] = 0, 0
    s1, s2 = metrics.statistics(f1), metrics.statistics(f2)
    same = metrics.frechet_distance(s1.mu, s1.sigma, s1.mu, s1.sigma)
    assert same == pytest.approx(0.0, abs=1e-12 * float(s1.sigma.trace()))
    expected = calculate_frechet_distance(
        s1.mu.numpy(), s1.sigma.numpy(), s2.mu.numpy(), s2.sigma.numpy()
    )
    got = metrics.frechet_distance(s1.mu, s1.sigma, s2.mu, s2.sigma)
    assert got == pytest.approx(expected, rel=1e-9)


def test_mismatched_shapes_are_refused():
    mu, sigma = random_statistics(4, 10, seed=0)
    with pytest.raises(ValueError, match="shapes do not match"):
        metrics.frechet_distance(mu, sigma, mu[:3], sigma[:3, :3])


def test_statistics_streamed_in_batches_equal_numpy_in_one_go():
    f = torch.randn(300, 12) * 3 + 100  # a large mean: no cancellation allowed
    stats = metrics.statistics(f.split(37))
    torch.testing.assert_close(stats.mu, torch.from_numpy(f.double().numpy().mean(0)))
    expected = np.cov(f.double().numpy(), rowvar=False)
    torch.testing.assert_close(stats.sigma, torch.from_numpy(expected))
    assert stats.n == 300
    assert stats.mu.dtype == stats.sigma.dtype == torch.float64


def test_fewer_samples_than_dimensions_warns():
    with pytest.warns(UserWarning, match=r"n=10 samples in d=32"):
        metrics.statistics(torch.randn(10, 32))


def test_statistics_of_different_extractors_are_not_compared():
    s1 = metrics.statistics(torch.randn(50, 4), extractor="inception")
    s2 = metrics.statistics(torch.randn(50, 4), extractor="mnist-cnn")
    with pytest.raises(ValueError, match="different features"):
        metrics.frechet_distance_of(s1, s2)


def test_cache_computes_once_and_reloads(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return metrics.statistics(torch.randn(40, 3), extractor="mnist-cnn")

    first = cache.cached("toy", "test", "mnist-cnn", 40, compute, tmp_path)
    again = cache.cached("toy", "test", "mnist-cnn", 40, compute, tmp_path)
    assert len(calls) == 1
    assert (tmp_path / "toy-test-mnist-cnn-n40.pt").exists()
    torch.testing.assert_close(again.sigma, first.sigma)
    assert (again.n, again.extractor) == (40, "mnist-cnn")
    with pytest.raises(ValueError, match="do not match the key"):
        cache.cached("toy", "test", "mnist-cnn", 41, compute, tmp_path)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_gpu_route_agrees_with_cpu():
    stats = [torch.from_numpy(a) for a in random_statistics(128, 300, seed=7)]
    stats += [torch.from_numpy(a) for a in random_statistics(128, 300, seed=8)]
    expected = metrics.frechet_distance(*stats)
    got = metrics.frechet_distance(*(a.cuda() for a in stats))
    assert got == pytest.approx(expected, rel=1e-9)
