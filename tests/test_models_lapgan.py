"""LAPGAN's networks and its coarse-to-fine sampler."""

import pytest
import torch
from torch.testing import assert_close

import gantutor as gt
from gantutor.data import pyramid as P
from gantutor.models.lapgan import (
    LAPGAN,
    LevelSamples,
    ResidualDiscriminator,
    ResidualGenerator,
)


def small_lapgan(kernel: str = "binomial") -> LAPGAN:
    torch.manual_seed(0)
    G_low = gt.models.MLPGenerator(8, (3, 8, 8), hidden=16, depth=1, out="tanh")
    return LAPGAN(G_low, [ResidualGenerator(3, 8), ResidualGenerator(3, 8)], kernel)


def test_residual_generator_keeps_the_size_and_uses_its_noise_and_condition():
    G = ResidualGenerator(3, width=8, depth=3, noise_channels=2).eval()
    coarse = torch.randn(4, 3, 16, 16)
    z = G.noise(coarse)
    assert z.shape == (4, 2, 16, 16)
    h = G(z, coarse)
    assert h.shape == (4, 3, 16, 16)
    assert not torch.allclose(G(torch.randn_like(z), coarse), h)
    assert not torch.allclose(G(z, torch.randn_like(coarse)), h)
    assert G(G.noise(torch.randn(2, 3, 32, 32)), torch.randn(2, 3, 32, 32)).shape == (
        2,
        3,
        32,
        32,
    )


def test_residual_discriminator_returns_one_logit_per_pair():
    for size in (8, 16, 32):
        D = ResidualDiscriminator(size, 3, width=4)
        h, coarse = torch.randn(5, 3, size, size), torch.randn(5, 3, size, size)
        d = D(h, coarse)
        assert d.shape == (5,)
        assert not torch.allclose(D(h, torch.randn_like(coarse)), d)  # sees l too


def test_the_sampler_builds_each_level_from_the_coarser_one():
    lapgan = small_lapgan().eval()
    z = torch.randn(6, 8)
    s = lapgan.sample(6, z)
    assert [x.shape[-1] for x in s.images] == [8, 16, 32]
    assert_close(s.images[0], lapgan.G_low(z))
    for j in range(2):
        assert_close(s.coarse[j], P.upsample(s.images[j]))
        assert_close(s.images[j + 1], s.coarse[j] + s.residuals[j])
    # the images are a Laplacian pyramid: [h̃_0, h̃_1, Ĩ_2] rebuilds the final image
    assert_close(P.reconstruct([*s.residuals[::-1], s.images[0]]), s.final)


def test_forward_is_the_final_image_and_the_noise_matters():
    lapgan = small_lapgan("box").eval()
    z = torch.randn(3, 8)
    torch.manual_seed(1)
    a = lapgan(z)
    torch.manual_seed(1)
    assert_close(lapgan.sample(3, z).final, a)  # the same level noise, the same image
    assert a.shape == (3, 3, 32, 32)
    assert not torch.allclose(lapgan(z), a)  # fresh level noise changes the detail


def test_a_real_pyramid_in_level_form_rebuilds_the_image():
    x = torch.rand(2, 3, 32, 32) * 2 - 1
    levels = LevelSamples.of_pyramid(P.laplacian_pyramid(x, 2))
    assert_close(levels.final, x)
    assert [t.shape[-1] for t in levels.residuals] == [16, 32]


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="depth"):
        ResidualGenerator(3, 8, depth=1)
    with pytest.raises(ValueError, match="power of 2"):
        ResidualDiscriminator(24)
    with pytest.raises(ValueError, match="kernel"):
        LAPGAN(gt.models.MLPGenerator(4, (3, 8, 8)), [], kernel="lanczos")
    with pytest.raises(ValueError, match="latent_dim"):
        LAPGAN(torch.nn.Identity(), [])
    G = ResidualGenerator(3, 8)
    with pytest.raises(ValueError, match="expects inputs"):
        G(torch.randn(2, 1, 8, 8), torch.randn(2, 3, 16, 16))
    with pytest.raises(ValueError, match="n must be"):
        small_lapgan().sample(0)
