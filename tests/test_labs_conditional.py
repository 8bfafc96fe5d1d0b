"""The measurements of Part 4 on hand-made cases with known answers."""

import math

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from gantutor import data, metrics
from gantutor.labs import conditional as lab

NAN = float("nan")


def f64(*values):
    return torch.tensor(values, dtype=torch.float64)


def test_class_accuracy_per_requested_class():
    logits = torch.tensor([[5.0, 0, 0], [0, 5.0, 0], [5.0, 0, 0], [0, 0, 5.0]])
    y = torch.tensor([0, 0, 1, 2])
    assert_close(
        lab.class_accuracy(logits, y, 4), f64(0.5, 0.0, 1.0, NAN), equal_nan=True
    )
    with pytest.raises(ValueError, match=r"in \[0, 3\]"):
        lab.class_accuracy(logits, torch.tensor([0, 0, 1, 4]), 4)


def test_prediction_entropy_is_log_k_for_no_opinion_and_zero_for_certainty():
    logits = torch.cat([torch.zeros(3, 10), 100 * torch.eye(10)[:3]])
    y = torch.tensor([0, 0, 0, 1, 1, 1])
    assert_close(lab.prediction_entropy(logits, y, 2), f64(math.log(10), 0.0))


def test_intra_class_diversity_is_the_mean_pairwise_distance():
    f = torch.tensor([[0.0, 0.0], [3.0, 4.0], [6.0, 8.0], [1.0, 1.0], [1.0, 1.0]])
    y = torch.tensor([0, 0, 0, 1, 1])
    # class 0: distances 5, 10, 5 -> mean 20/3; class 1 collapsed: 0; class 2 empty
    expected = f64(20 / 3, 0.0, NAN)
    assert_close(lab.intra_class_diversity(f, y, 3), expected, equal_nan=True)


def test_intra_class_fid_sees_a_shift_of_one_class_only():
    f_real = torch.randn(400, 3, dtype=torch.float64)
    y = torch.arange(2).repeat(200)
    shift = torch.tensor([0.0, 3.0, 4.0], dtype=torch.float64)
    f_fake = f_real + (y == 1)[:, None] * shift  # class 1 moved by ‖δ‖ = 5
    # equal covariances: the Fréchet distance is the squared mean difference
    assert_close(lab.intra_class_fid(f_real, y, f_fake, y, 2), f64(0.0, 25.0))


def test_hungarian_accuracy_undoes_a_permutation():
    # counts[k, j]: samples of the cluster that stands for class k, labelled j
    counts = torch.tensor([[40, 5, 0], [0, 30, 10], [5, 5, 20]])
    perm = torch.tensor([2, 0, 1])  # category c is the cluster of class perm[c]
    confusion = counts[perm]  # rows: categories in the order InfoGAN found them
    accuracy, mapping = lab.hungarian_accuracy(confusion)
    assert_close(accuracy, 90 / 115)
    assert torch.equal(mapping, perm)
    # a naive identity reading would score the diagonal of the shuffled matrix
    assert confusion.diag().sum() / confusion.sum() < accuracy


def test_hungarian_accuracy_with_more_categories_than_classes():
    confusion = torch.tensor([[10, 0], [0, 8], [3, 0]])
    accuracy, mapping = lab.hungarian_accuracy(confusion)
    assert_close(accuracy, 18 / 21)
    assert mapping.tolist() == [0, 1, -1]


def test_confusion_matrix_counts_pairs():
    pred, y = torch.tensor([0, 0, 1, 2, 2]), torch.tensor([1, 1, 0, 2, 0])
    expected = torch.tensor([[0, 2, 0], [1, 0, 0], [1, 0, 1]])
    assert torch.equal(lab.confusion_matrix(pred, y, 3, 3), expected)
    with pytest.raises(ValueError, match=r"pred must lie in \[0, 1\]"):
        lab.confusion_matrix(pred, y, 2, 3)


def line(dx_per_row: float, rows=range(4, 24), width=1) -> torch.Tensor:
    """A stroke through the centre, shifted dx_per_row columns per row upwards."""
    x = -torch.ones(1, 1, 28, 28)
    for r in rows:
        c = round(14 + dx_per_row * (14 - r))
        x[0, 0, r, c : c + width] = 1.0
    return x


def test_slant_of_upright_leaning_and_mirrored_strokes():
    assert_close(lab.slant(line(0.0)), torch.tensor([0.0]))
    assert_close(lab.slant(line(1.0)), torch.tensor([1.0]))  # 45° to the right
    assert_close(lab.slant(line(1.0).flip(-1)), torch.tensor([-1.0]))
    assert lab.slant(-torch.ones(1, 1, 28, 28)).isnan().all()


def test_stroke_width_of_a_bar_is_its_closed_form():
    for w in (1, 2, 3):
        x = line(0.0, rows=range(4, 24), width=w)  # a 20 × w bar
        assert_close(lab.stroke_width(x), torch.tensor([2 * 20 * w / (2 * (20 + w))]))
    assert_close(lab.stroke_width(-torch.ones(1, 1, 28, 28)), torch.tensor([0.0]))
    thin, thick = line(0.0, width=1), line(0.0, width=3)
    assert lab.stroke_width(thick) > lab.stroke_width(thin)
    with pytest.raises(ValueError, match=r"\(B, 1, H, W\)"):
        lab.stroke_width(torch.zeros(2, 28, 28))


class LookupG(nn.Module):
    """A 'generator' that returns a stored real digit of class (y + offset) % 10."""

    def __init__(self, bank: torch.Tensor, offset: int):
        super().__init__()
        self.latent_dim, self.offset = 2, offset
        self.register_buffer("bank", bank)  # (10, 1, 28, 28)

    def forward(self, z, y):
        return self.bank[(y + self.offset) % 10]


def test_conditional_accuracy_with_the_mnist_classifier():
    test = data.mnist("test")
    logits = metrics.features(
        test.x, "mnist-cnn", "[-1,1]", logits=True, progress=False
    )
    right = logits.argmax(1) == test.y
    bank = torch.stack([test.x[right & (test.y == k)][0] for k in range(10)])
    assert_close(
        lab.conditional_accuracy(LookupG(bank, 0), 3),
        torch.ones(10, dtype=torch.float64),
    )
    assert_close(
        lab.conditional_accuracy(LookupG(bank, 1), 3),
        torch.zeros(10, dtype=torch.float64),
    )
    x, y = lab.generate_per_class(LookupG(bank, 0), 2, 10, batch_size=3)
    assert x.shape == (20, 1, 28, 28) and y.tolist() == [
        k for k in range(10) for _ in (0, 1)
    ]


class StyleG(nn.Module):
    """x = z[0] + k everywhere: the noise sets an offset, the class another."""

    latent_dim = 2

    def forward(self, z, y):
        return (z[:, :1] + y[:, None].float()).view(-1, 1, 1, 1).expand(-1, 1, 2, 2)


def test_class_grid_uses_the_same_noise_in_every_row():
    z = torch.tensor([[0.5, 9.0], [-1.0, 9.0], [2.0, 9.0]])
    grid = lab.class_grid(StyleG(), z, 4)
    assert grid.shape == (4, 3, 1, 2, 2)
    expected = z[None, :, 0] + torch.arange(4.0)[:, None]  # (class, noise)
    assert_close(grid[:, :, 0, 0, 0], expected)


def test_noise_share_is_one_when_z_sets_the_measure_and_zero_when_it_cancels():
    a = torch.tensor([0.0, 1.0, 3.0])  # what each noise vector does
    b = torch.tensor([[10.0], [-2.0]])  # class means
    assert lab.noise_share(a + b) == pytest.approx(1.0)
    assert lab.noise_share(torch.stack([a, -a])) == pytest.approx(0.0)
    # rows a + e and a − e, e of zero mean: the shared part r = a − mean(a) and
    # the class-specific part ±e hold Σ r² and Σ e² of the variation; equal here
    r, e = a - a.mean(), torch.tensor([2.0, -3.0, 1.0])
    e = e / e.norm() * r.norm()
    assert lab.noise_share(torch.stack([a + e, a - e])) == pytest.approx(0.5)
    assert math.isnan(lab.noise_share(b.expand(2, 3)))  # no variation within a class
    with pytest.raises(ValueError, match=r"\(n_classes, n_z\)"):
        lab.noise_share(torch.zeros(1, 5))


class LabelD(nn.Module):
    """D(x, y) = x · w_y: a linear 'discriminator' whose best label is known."""

    n_classes = 3

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]]))

    def forward(self, x, y):
        return (x * self.w[y]).sum(dim=1)


def test_pair_logits_are_d_of_every_image_with_every_label():
    x = torch.tensor([[2.0, 1.0], [0.0, 3.0], [-1.0, -2.0], [1.0, 0.0]])
    logits = lab.pair_logits(LabelD(), x, 3, batch_size=3)
    expected = torch.tensor(
        [[2.0, 1.0, -3.0], [0.0, 3.0, -3.0], [-1.0, -2.0, 3.0], [1.0, 0.0, -1.0]]
    )
    assert_close(logits, expected)


@pytest.mark.filterwarnings("ignore:.*samples")  # 3 samples a class, 64 features
def test_per_class_scores_gathers_the_per_class_numbers():
    test = data.mnist("test")
    f_real = metrics.features(test.x, "mnist-cnn", "[-1,1]", progress=False)
    logits = metrics.extractor("mnist-cnn").logits(f_real)
    right = logits.argmax(1) == test.y
    bank = torch.stack([test.x[right & (test.y == k)][0] for k in range(10)])
    scores = lab.per_class_scores(LookupG(bank, 1), f_real, test.y, 3)
    assert set(scores) == {"accuracy", "entropy", "diversity", "fid"}
    assert_close(scores["accuracy"], torch.zeros(10, dtype=torch.float64))
    assert_close(scores["diversity"], torch.zeros(10, dtype=torch.float64))
    shifted = torch.stack(  # the judge's logits of the digit each class shows
        [logits[right & (test.y == (k + 1) % 10)][0] for k in range(10)]
    )
    expected = lab.prediction_entropy(shifted, torch.arange(10), 10)
    assert_close(scores["entropy"], expected, rtol=1e-4, atol=1e-5)
    assert bool((scores["fid"] > 0).all())
