"""BigGAN's networks: conditional BatchNorm, the hierarchical latent, the sampler."""

import math

import pytest
import torch
from torch import nn

from gantutor.models.biggan import (
    BigGANDiscriminator,
    BigGANGenerator,
    ClassConditionalBatchNorm2d,
    truncated_z,
)


def test_shapes_range_and_spectral_norm_everywhere_but_the_embedding():
    G, D = BigGANGenerator(64, 10, 32, 1, width=8), BigGANDiscriminator(10, 32, 1, 8)
    z, y = torch.randn(5, 64), torch.randint(10, (5,))
    x = G(z, y)
    assert x.shape == (5, 1, 32, 32) and x.abs().max() <= 1
    assert D(x, y).shape == (5,)
    for net in (G, D):
        for m in net.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                assert hasattr(m, "parametrizations"), m
    assert not hasattr(G.shared, "parametrizations")  # the shared embedding: plain


def test_conditional_batch_norm_is_bn_times_one_plus_gain_plus_bias():
    cbn = ClassConditionalBatchNorm2d(3, 4)
    h, c = torch.randn(6, 3, 5, 5), torch.randn(6, 4)
    gain = cbn.gain(c)  # spectrally normalised W_γ c, (6, 3)
    bias = cbn.bias(c)
    mean = h.mean(dim=(0, 2, 3), keepdim=True)
    var = h.var(dim=(0, 2, 3), unbiased=False, keepdim=True)
    normed = (h - mean) / torch.sqrt(var + cbn.bn.eps)
    expected = normed * (1 + gain[:, :, None, None]) + bias[:, :, None, None]
    cbn.gain.eval(), cbn.bias.eval()  # the same σ as the calls above
    torch.testing.assert_close(cbn(h, c), expected, rtol=1e-4, atol=1e-5)
    zero = torch.zeros_like(c)  # no bias in the maps: c = 0 is plain BatchNorm
    torch.testing.assert_close(cbn(h, zero), normed, rtol=1e-4, atol=1e-5)


def test_each_block_gets_the_shared_embedding_and_its_own_chunk_of_z():
    G = BigGANGenerator(64, 10, 32, 1, width=4, shared_dim=6)
    assert G.n_blocks == 3 and G.chunk == 16
    seen = []
    for block in G.blocks:
        block.bn1.register_forward_hook(lambda m, args, out: seen.append(args[1]))
    z, y = torch.randn(3, 64), torch.tensor([1, 7, 7])
    G(z, y)
    shared = G.shared(y)
    for i, c in enumerate(seen):  # c_i = [shared(y), z_{i+1}]
        torch.testing.assert_close(
            c, torch.cat([shared, z[:, 16 * (i + 1) :][:, :16]], 1)
        )


def test_discriminator_is_unconditional_plus_projection():
    D = BigGANDiscriminator(10, 16, 1, width=4).eval()
    x, y = torch.randn(4, 1, 16, 16), torch.tensor([0, 3, 3, 9])
    h = D.features(x)
    expected = D.psi(h).squeeze(1) + (D.embed(y) * h).sum(1)
    torch.testing.assert_close(D(x, y), expected)


def test_bad_arguments_say_what_to_do():
    with pytest.raises(ValueError, match="equal"):
        BigGANGenerator(latent_dim=30, img_size=32)  # 4 chunks at 32 px
    with pytest.raises(ValueError, match="img_size"):
        BigGANGenerator(img_size=28)
    with pytest.raises(ValueError, match="img_size"):
        BigGANDiscriminator(img_size=4)
    with pytest.raises(ValueError, match="labels"):
        BigGANGenerator(8, 10, 8, width=2)(torch.randn(2, 8))
    with pytest.raises(ValueError, match="threshold"):
        truncated_z(3, 4, threshold=0.0)


def test_truncated_normal_stays_inside_and_matches_the_closed_form():
    gen = torch.Generator().manual_seed(0)
    t = 1.0
    z = truncated_z(200_000, 2, t, generator=gen)
    assert z.shape == (200_000, 2) and z.abs().max() <= t
    # E|Z| for Z ~ N(0, 1) given |Z| ≤ t: sqrt(2/π)(1 − exp(−t²/2)) / erf(t/√2)
    expected = (
        math.sqrt(2 / math.pi) * (1 - math.exp(-(t**2) / 2)) / math.erf(t / 2**0.5)
    )
    torch.testing.assert_close(z.abs().mean().item(), expected, atol=3e-3, rtol=0)
    # E Z² given |Z| ≤ t: 1 − 2 t φ(t) / (2Φ(t) − 1)
    phi = math.exp(-(t**2) / 2) / math.sqrt(2 * math.pi)
    second = 1 - 2 * t * phi / math.erf(t / 2**0.5)
    torch.testing.assert_close(z.square().mean().item(), second, atol=3e-3, rtol=0)
    plain = truncated_z(4, 3, None, generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(
        plain, torch.randn(4, 3, generator=torch.Generator().manual_seed(1))
    )
