"""The truncation lab: crops, seeded truncated samples, the curve, standing stats."""

import math

import pytest
import torch
from torch import nn

from gantutor import metrics
from gantutor.data.images import mnist
from gantutor.labs import truncation as lab
from gantutor.models.biggan import BigGANGenerator


class Echo(nn.Module):
    """G(z, y) = z as a 1×4×4 image (latent 16): the samples are the noise."""

    latent_dim, n_classes = 16, 3

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros(()))

    def forward(self, z, y):
        return z.view(-1, 1, 4, 4) + 0 * y[:, None, None, None]


class Digits(nn.Module):
    """G(z, y) = a real 32-px digit of class y, the noise ignored."""

    latent_dim, n_classes = 4, 10

    def __init__(self, x, y):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros(()))
        self.bank = torch.stack([x[y == k][0] for k in range(10)])  # (10, 1, 32, 32)

    def forward(self, z, y):
        return self.bank[y]  # (B, 1, 32, 32): the first digit of each class


def test_crop_takes_the_centre():
    x = torch.arange(36.0).view(1, 1, 6, 6)
    torch.testing.assert_close(lab.crop(x, 2), torch.tensor([[[[14.0, 15], [20, 21]]]]))
    with pytest.raises(ValueError, match="crop"):
        lab.crop(x, 7)


def test_generate_is_class_balanced_seeded_and_truncated():
    G = Echo()
    x, y = lab.generate(G, 5, threshold=0.5, seed=3, batch_size=4)
    assert x.shape == (15, 1, 4, 4) and y.tolist() == [0] * 5 + [1] * 5 + [2] * 5
    assert x.abs().max() <= 0.5
    again, _ = lab.generate(G, 5, threshold=0.5, seed=3)
    torch.testing.assert_close(x, again)
    wide, _ = lab.generate(G, 5, threshold=None, seed=3)
    assert wide.abs().max() > 0.5


def test_real_digits_score_as_real_digits_at_every_threshold():
    test = mnist("test", size=32)
    ex = metrics.extractor("mnist-cnn")
    G = Digits(test.x, test.y)
    f = metrics.features(lab.crop(G.bank), ex, "[-1,1]", progress=False)
    real = metrics.statistics(f.repeat(7, 1) + 1e-3 * torch.randn(70, 64))
    out = lab.curve(G, [0.5, math.inf], real, n_per_class=7, extractor=ex)
    assert out.thresholds == [0.5, math.inf]
    assert out.accuracy[0] == out.accuracy[1] >= 0.9
    assert out.fid[0] == pytest.approx(out.fid[1]) and out.fid[0] < 1.0
    assert out.diversity[0] == pytest.approx(0.0, abs=1e-6)  # one digit per class
    with pytest.raises(ValueError, match="positive"):
        lab.curve(G, [0.0], real)


def test_standing_stats_re_estimate_batch_norm_and_leave_eval_mode():
    G = BigGANGenerator(8, 10, img_size=8, width=4, shared_dim=4)
    bn = G.out[0]
    lab.standing_stats(G, n_batches=3, batch_size=16)
    assert not G.training and bn.momentum == 0.1
    assert int(bn.num_batches_tracked) == 3
    assert not torch.allclose(bn.running_var, torch.ones_like(bn.running_var))
