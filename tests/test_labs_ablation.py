import math

import pytest
import torch

from gantutor import data, metrics, models
from gantutor.labs import ablation as lab


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("GANTUTOR_OFFLINE", "1")


def test_to_judge_size_undoes_the_padding_and_resizes():
    x = torch.rand(3, 1, 28, 28) * 2 - 1
    padded = torch.nn.functional.pad(x, (2, 2, 2, 2), value=-1.0)  # (3, 1, 32, 32)
    torch.testing.assert_close(lab.to_judge_size(padded), x)
    assert lab.to_judge_size(x) is x
    flat = torch.full((2, 1, 64, 64), 0.25)
    torch.testing.assert_close(
        lab.to_judge_size(flat), torch.full((2, 1, 28, 28), 0.25)
    )
    with pytest.raises(ValueError, match="S in 28, 32, 64"):
        lab.to_judge_size(torch.zeros(2, 1, 48, 48))


def test_counts_coverage_and_kl_closed_forms():
    logits = torch.eye(10)[torch.tensor([0, 0, 0, 1])]  # three 0s and a 1
    assert lab.class_counts(logits).tolist() == [3, 1] + [0] * 8
    even = torch.full((10,), 7)
    assert lab.kl_from_uniform(even) == pytest.approx(0.0, abs=1e-12)
    one = torch.zeros(10).index_fill_(0, torch.tensor([4]), 50)
    assert lab.kl_from_uniform(one) == pytest.approx(math.log(10))
    two = torch.zeros(10).index_fill_(0, torch.tensor([2, 5]), 30)
    assert lab.kl_from_uniform(two) == pytest.approx(math.log(5))  # log K − log 2
    counts = torch.tensor([50, 30, 19, 1, 0, 0, 0, 0, 0, 0])
    assert lab.coverage(counts) == 3  # 1 % is under the 2 % bar
    assert lab.coverage(counts, min_share=0.005) == 4
    with pytest.raises(ValueError, match="min_share"):
        lab.coverage(counts, min_share=0.0)
    with pytest.raises(ValueError, match="at least one sample"):
        lab.kl_from_uniform(torch.zeros(10))
    with pytest.raises(ValueError, match=r"shape \(N, K\)"):
        lab.class_counts(torch.zeros(10))


def test_score_real_digits_against_one_digit(offline):
    train, test = data.mnist("train", n=1000), data.mnist("test")
    f = metrics.features(train.x, "mnist-cnn", "[-1,1]", progress=False)
    real = metrics.statistics(f)
    held_out = lab.score(test.x, real)
    assert held_out.covered == 10 and held_out.kl < 0.05 and held_out.fid < 20
    assert int(held_out.counts.sum()) == len(test.x)
    ones = lab.score(test.x[test.y == 1], real)  # a collapsed "generator"
    assert ones.covered <= 2 and ones.kl > 0.9 * math.log(10)
    assert ones.fid > 10 * held_out.fid


def test_samples_are_seeded_clamped_and_at_28_px():
    torch.manual_seed(0)
    G = models.DCGANGenerator(8, 32, 1, 4, rules=models.DCGANRules(tanh=False))
    with torch.no_grad():
        G.net[-1].bias.fill_(2.0)  # outputs far above 1
    G.train()
    x = lab.samples(G, 30, seed=3)
    assert x.shape == (30, 1, 28, 28) and float(x.max()) == 1.0
    assert G.training  # the mode is restored
    torch.testing.assert_close(lab.samples(G, 30, seed=3), x)


def test_paired_ratios_and_verdicts():
    fid = {("DCGAN", 0): 100.0, ("DCGAN", 1): 50.0, ("no tanh", 0): 300.0,
           ("no tanh", 1): 75.0, ("pool", 0): 40.0, ("pool", 1): 20.0}  # fmt: skip
    ratios = lab.paired_ratios(fid)
    torch.testing.assert_close(
        ratios["no tanh"], torch.tensor([3.0, 1.5], dtype=torch.float64)
    )
    torch.testing.assert_close(ratios["DCGAN"], torch.ones(2, dtype=torch.float64))
    assert lab.verdict(ratios["no tanh"]) == "worse"
    assert lab.verdict(ratios["no tanh"], margin=2.0) == "mixed"
    assert lab.verdict(ratios["pool"]) == "better"
    assert lab.verdict(ratios["DCGAN"]) == "mixed"
    with pytest.raises(ValueError, match="no 'DCGAN' runs"):
        lab.paired_ratios({("pool", 0): 1.0})
    with pytest.raises(ValueError, match=r"no run for seeds \[1\]"):
        lab.paired_ratios({("DCGAN", 0): 1.0, ("DCGAN", 1): 1.0, ("pool", 0): 1.0})
    with pytest.raises(ValueError, match="margin must be"):
        lab.verdict(ratios["pool"], margin=1.0)


def test_layers_name_each_layer_and_its_rule():
    G = models.DCGANGenerator(8, 28, 1, 4).eval()
    table = lab.layers(G, torch.randn(2, 8))
    assert [layer.label for layer in table] == [
        "ConvT 7×7", "BN", "ReLU", "ConvT 4×4 /2", "BN", "ReLU", "ConvT 4×4 /2", "tanh",
    ]  # fmt: skip
    assert table[0].shape == (8, 7, 7) and table[-1].shape == (1, 28, 28)
    assert [layer.rule for layer in table[:4]] == [
        "",
        "batchnorm",
        "leaky_d",
        "strided",
    ]
    rules = models.DCGANRules(no_fc=False, batchnorm=False)
    D = models.DCGANDiscriminator(28, 1, 4, rules=rules).eval()
    table = lab.layers(D, torch.zeros(2, 1, 28, 28))
    assert [layer.label for layer in table][-3:] == ["FC", "LReLU", "Conv 1×1"]
    assert table[-3].rule == "no_fc" and table[-1].shape == (1, 1, 1)
