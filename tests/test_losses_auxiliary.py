"""ACGAN's class term and InfoGAN's information terms against closed forms."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from gantutor.losses import auxiliary


def test_auxiliary_ce_is_the_negative_log_likelihood_of_the_label():
    logits = torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    y = torch.tensor([0, 2])
    p0 = math.exp(2) / (math.exp(2) + 2)  # softmax of row 0 at class 0
    expected = torch.tensor(-(math.log(p0) + math.log(1 / 3)) / 2)
    assert_close(auxiliary.auxiliary_ce(logits, y), expected)


def test_probabilities_instead_of_logits_are_refused():
    logits = torch.randn(6, 10)
    y = torch.randint(10, (6,))
    with pytest.raises(ValueError, match="looks like probabilities"):
        auxiliary.auxiliary_ce(logits.softmax(1), y)
    with pytest.raises(ValueError, match="looks like probabilities"):
        auxiliary.categorical_info(logits.softmax(1), y)
    # log-probabilities are logits shifted per row: same loss, accepted
    assert_close(
        auxiliary.auxiliary_ce(logits.log_softmax(1), y),
        auxiliary.auxiliary_ce(logits, y),
    )
    # the check can fail: softmax twice is what it prevents
    assert not torch.allclose(
        F.cross_entropy(logits.softmax(1), y), F.cross_entropy(logits, y)
    )


@pytest.mark.parametrize(
    "logits, y, match",
    [
        (torch.randn(3), torch.tensor([0, 1, 2]), r"shape \(B, K\)"),
        (torch.randn(3, 1), torch.tensor([0, 0, 0]), r"K ≥ 2"),
        (torch.randn(3, 4), torch.tensor([0, 1, 4]), r"in \[0, 3\]"),
        (torch.randn(3, 4), torch.tensor([0.0, 1.0, 2.0]), "integer class"),
        (torch.randn(3, 4), torch.tensor([0, 1]), r"\(B,\) = \(3,\)"),
        (torch.randn(3, 4), None, "needs the labels"),
    ],
)
def test_class_term_input_errors(logits, y, match):
    with pytest.raises(ValueError, match=match):
        auxiliary.auxiliary_ce(logits, y)


def test_bound_is_entropy_minus_cross_entropy():
    logits, c = torch.randn(32, 10), torch.randint(10, (32,))
    assert_close(
        auxiliary.info_bound(logits, c),
        math.log(10) - F.cross_entropy(logits, c),
    )
    assert_close(
        auxiliary.info_bound(logits, c),
        math.log(10) - auxiliary.categorical_info(logits, c),
    )


def test_bound_is_log_k_for_a_perfect_q_and_zero_for_a_blind_one():
    c = torch.arange(10).repeat(3)
    perfect = 50.0 * F.one_hot(c, 10).float()  # Q puts all its mass on c
    assert_close(auxiliary.info_bound(perfect, c), torch.tensor(math.log(10)))
    blind = torch.zeros(30, 10)  # Q ignores x: uniform
    assert_close(auxiliary.info_bound(blind, c), torch.tensor(0.0))


def test_bound_uses_the_prior_entropy():
    prior = torch.tensor([0.5, 0.25, 0.25])
    c = torch.tensor([0, 1, 2, 0])
    perfect = 50.0 * F.one_hot(c, 3).float()
    h = -(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25))  # 1.5 log 2
    assert_close(auxiliary.info_bound(perfect, c, prior), torch.tensor(h))
    with pytest.raises(ValueError, match="non-negative probabilities"):
        auxiliary.info_bound(perfect, c, torch.tensor([0.5, 0.5]))


def test_gaussian_term_is_the_gaussian_negative_log_likelihood():
    mean = torch.tensor([[0.0, 1.0], [0.5, -1.0]])
    c = torch.tensor([[1.0, 1.0], [0.5, 0.0]])
    # fixed σ = 1: ½ log 2π per code + ½ (c − μ)², summed over codes
    expected = math.log(2 * math.pi) + 0.5 * (1.0 + 1.0) / 2
    assert_close(auxiliary.gaussian_info(mean, c), torch.tensor(expected))
    log_std = torch.tensor([[0.0, math.log(2.0)], [math.log(0.5), 0.0]])
    normal = torch.distributions.Normal(mean, log_std.exp())
    assert_close(
        auxiliary.gaussian_info(mean, c, log_std),
        -normal.log_prob(c).sum(1).mean(),
    )
    assert_close(
        auxiliary.gaussian_info(mean, c, std=2.0),
        -torch.distributions.Normal(mean, 2.0).log_prob(c).sum(1).mean(),
    )


def test_gaussian_term_input_errors():
    with pytest.raises(ValueError, match=r"\(B, n_continuous\)"):
        auxiliary.gaussian_info(torch.zeros(3, 2), torch.zeros(3))
    with pytest.raises(ValueError, match="log_std must have the shape"):
        auxiliary.gaussian_info(torch.zeros(3, 2), torch.zeros(3, 2), torch.zeros(3))
    with pytest.raises(ValueError, match="std must be positive"):
        auxiliary.gaussian_info(torch.zeros(3, 2), torch.zeros(3, 2), std=0.0)


def test_minimising_the_terms_moves_q_towards_the_code():
    logits = torch.zeros(4, 3, requires_grad=True)
    c = torch.tensor([0, 1, 2, 0])
    auxiliary.categorical_info(logits, c).backward()
    # gradient of CE = softmax − one-hot: negative on the sampled code
    assert_close(logits.grad, (torch.full((4, 3), 1 / 3) - F.one_hot(c, 3)) / 4)
    mean = torch.zeros(2, 1, requires_grad=True)
    auxiliary.gaussian_info(mean, torch.tensor([[1.0], [-1.0]])).backward()
    assert_close(mean.grad, torch.tensor([[-0.5], [0.5]]))  # (μ − c) / B


def test_bound_with_the_exact_posterior_is_the_mutual_information():
    # a binary symmetric channel: x = c with probability 3/4, else the other code;
    # its 8 equally likely (c, x) cases enumerated exactly
    c = torch.tensor([0, 0, 0, 0, 1, 1, 1, 1])
    x = torch.tensor([0, 0, 0, 1, 1, 1, 1, 0])
    posterior = torch.tensor([[0.75, 0.25], [0.25, 0.75]])  # P(c | x), row x
    logits = posterior[x].log()  # log-probabilities are logits
    h_flip = -(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    mutual_information = math.log(2) - h_flip  # I = H(c) − H(c | x)
    assert_close(
        auxiliary.info_bound(logits, c),
        torch.tensor(mutual_information),
    )
    # any other Q gives less: the gap is E_x KL(P(c | x) ‖ Q(c | x)) ≥ 0
    for q in ([[0.9, 0.1], [0.1, 0.9]], [[0.6, 0.4], [0.4, 0.6]], [[0.5, 0.5]] * 2):
        worse = auxiliary.info_bound(torch.tensor(q)[x].log(), c)
        q_x = torch.tensor(q)[x]  # (8, 2)
        gap = (posterior[x] * (posterior[x] / q_x).log()).sum(1).mean()
        assert_close(worse, torch.tensor(mutual_information) - gap)
        assert worse < mutual_information
