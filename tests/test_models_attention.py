import pytest
import torch
from torch import nn

from gantutor.models.attention import SelfAttention2d


def _block(channels: int = 16, **kwargs) -> SelfAttention2d:
    torch.manual_seed(0)
    return SelfAttention2d(channels, **kwargs)


@pytest.mark.parametrize("pool", [False, True])
def test_gamma_starts_at_zero_so_the_block_starts_as_the_identity(pool):
    block = _block(pool=pool)
    x = torch.randn(2, 16, 6, 4)
    assert block.gamma.item() == 0.0
    torch.testing.assert_close(block(x), x)
    with torch.no_grad():
        block.gamma.fill_(1.0)
    assert block(x).shape == x.shape
    assert not torch.allclose(block(x), x)


@pytest.mark.parametrize(("pool", "keys"), [(False, 24), (True, 6)])
def test_rows_of_the_attention_map_are_distributions_over_positions(pool, keys):
    beta = _block(pool=pool).attention_map(torch.randn(3, 16, 6, 4))
    assert beta.shape == (3, 24, keys)
    assert (beta >= 0).all()
    torch.testing.assert_close(beta.sum(-1), torch.ones(3, 24))


def test_one_dominant_key_takes_all_the_attention_and_its_value_is_added():
    block = _block(channels=8, reduction=8, spectral=False)  # one query/key channel
    with torch.no_grad():
        for conv in (block.query, block.key, block.value, block.out):
            conv.weight.zero_()
            conv.bias.zero_()
        block.query.bias.fill_(1.0)  # q_j = 1 at every position
        block.key.weight[0, 0] = 50.0  # k_i = 50 x_{0,i}
        block.value.weight[:, 1] = 1.0  # h(x) = channel 1, in all 4 value channels
        block.out.weight[0, 0] = 1.0  # o -> channel 0
        block.gamma.fill_(2.0)
    x = torch.zeros(1, 8, 3, 3)
    x[0, 0, 2, 1] = 1.0  # the key at position (2, 1) = 7 stands out
    x[0, 1] = torch.arange(9.0).view(3, 3)  # value of position i: i
    beta = block.attention_map(x)  # (1, 9, 9)
    expected = torch.zeros(1, 9, 9)
    expected[..., 7] = 1.0
    torch.testing.assert_close(beta, expected, atol=1e-6, rtol=0)
    y = block(x)
    torch.testing.assert_close(y[0, 0], x[0, 0] + 2.0 * 7.0, atol=1e-4, rtol=0)
    torch.testing.assert_close(y[0, 1:], x[0, 1:])


def test_spectral_norm_wraps_the_convolutions_only_when_asked():
    sn, plain = _block(), _block(spectral=False)
    assert hasattr(sn.query, "parametrizations") and hasattr(sn.out, "parametrizations")
    assert not hasattr(plain.query, "parametrizations")
    weight = sn.value.weight.flatten(1)  # (C/2, C)
    torch.testing.assert_close(
        torch.linalg.matrix_norm(weight, ord=2), torch.tensor(1.0), atol=0.05, rtol=0
    )
    n_params = sum(p.numel() for p in plain.parameters())
    # q, k: 16 -> 2; v: 16 -> 8; out: 8 -> 16; γ
    assert n_params == 2 * (16 * 2 + 2) + (16 * 8 + 8) + (8 * 16 + 16) + 1
    assert isinstance(plain.gamma, nn.Parameter)


def test_bad_arguments_and_inputs_are_refused():
    with pytest.raises(ValueError, match="multiple of reduction"):
        SelfAttention2d(12, reduction=8)
    with pytest.raises(ValueError, match="positive integer"):
        SelfAttention2d(0)
    block = _block()
    with pytest.raises(ValueError, match=r"expects \(B, 16, H, W\)"):
        block(torch.randn(2, 8, 4, 4))
    with pytest.raises(ValueError, match="even H and W"):
        _block(pool=True)(torch.randn(1, 16, 5, 4))
