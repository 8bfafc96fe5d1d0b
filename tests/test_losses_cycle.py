"""Cycle and identity losses: zero for inverse maps, hand-made L1 and L2."""

import pytest
import torch
from torch.testing import assert_close

from gantutor.losses.cycle import cycle_loss, identity_loss


def test_the_cycle_loss_is_zero_for_inverse_maps_and_grows_with_the_mismatch():
    a = torch.randn(16, 3, 4, 4)

    def G_ab(x):
        return 2 * x

    errors = []
    for s in [0.5, 0.6, 0.8, 1.0]:  # G_ba = scaling by s; s = ½ inverts G_ab
        x_rec = s * G_ab(a)
        errors.append(cycle_loss(a, x_rec))
        assert_close(cycle_loss(a, x_rec), (2 * s - 1) * a.abs().mean())
        assert_close(cycle_loss(a, x_rec, "l2"), (2 * s - 1) ** 2 * a.square().mean())
    assert errors[0] == 0
    assert (torch.stack(errors).diff() > 0).all()


def test_l1_and_l2_on_hand_made_numbers():
    x = torch.tensor([[0.0, 0.0], [1.0, 1.0]])
    x_rec = torch.tensor([[1.0, -3.0], [1.0, 1.0]])
    assert_close(cycle_loss(x, x_rec, "l1"), torch.tensor(4.0 / 4))
    assert_close(cycle_loss(x, x_rec, "l2"), torch.tensor(10.0 / 4))


def test_identity_is_zero_for_the_identity_and_differentiable():
    b = torch.randn(5, 2, requires_grad=True)
    assert identity_loss(b, b.clone()) == 0
    loss = identity_loss(b.detach(), b + 0.5)
    assert_close(loss, torch.tensor(0.5))
    loss.backward()
    assert_close(b.grad, torch.full((5, 2), 1 / 10))


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="norm must be one of"):
        cycle_loss(torch.zeros(2), torch.zeros(2), "l3")
    with pytest.raises(ValueError, match="identity_loss: .* same shape"):
        identity_loss(torch.zeros(2, 1), torch.zeros(2, 3))
