"""The moving average of weights: closed forms after k updates, buffers, callbacks."""

import pytest
import torch
from torch import nn

from gantutor.train.ema import EMA


def test_the_average_of_a_constant_is_that_constant():
    net = nn.Linear(3, 2)
    ema = EMA(net, beta=0.9)
    for _ in range(5):
        ema.update()
    for p_ema, p in zip(ema.ema.parameters(), net.parameters(), strict=True):
        torch.testing.assert_close(p_ema, p)
    assert not any(p.requires_grad for p in ema.ema.parameters())


def test_after_k_updates_it_is_the_closed_form_weighted_sum():
    net, beta = nn.Linear(1, 1, bias=False), 0.8
    with torch.no_grad():
        net.weight.fill_(1.0)  # θ_0
    ema = EMA(net, beta=beta)
    thetas = [2.0, -1.0, 5.0, 0.5]
    for theta in thetas:
        with torch.no_grad():
            net.weight.fill_(theta)
        ema.update()
    k = len(thetas)  # β^k θ_0 + Σ (1 − β) β^{k−i} θ_i
    expected = beta**k * 1.0 + sum(
        (1 - beta) * beta ** (k - i) * t for i, t in enumerate(thetas, start=1)
    )
    torch.testing.assert_close(ema.ema.weight.item(), expected)


def test_buffers_are_copied_and_start_copies_weights_and_state_round_trips():
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    ema = EMA(net, beta=0.5, every=3, start=10)
    net(torch.randn(8, 2))  # moves the running statistics
    with torch.no_grad():
        net[0].weight.add_(1.0)

    class Trainer:  # what a callback sees of the trainer
        step = 3

    ema(Trainer())  # step 3 < start: θ_ema = θ
    assert ema.every == 3 and ema.updates == 1
    torch.testing.assert_close(ema.ema[0].weight, net[0].weight)
    torch.testing.assert_close(ema.ema[1].running_mean, net[1].running_mean)
    other = EMA(nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2)))
    other.load_state_dict(ema.state_dict())
    assert other.updates == 1
    torch.testing.assert_close(other.ema[0].weight, net[0].weight)
    with pytest.raises(ValueError, match="beta"):
        EMA(net, beta=1.0)
