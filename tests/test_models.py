import pytest
import torch

from gantutor import models


@pytest.mark.parametrize("img_size", [28, 32, 64])
@pytest.mark.parametrize("channels", [1, 3])
def test_dcgan_shapes(img_size, channels):
    G = models.DCGANGenerator(
        latent_dim=16, img_size=img_size, channels=channels, width=8
    )
    D = models.DCGANDiscriminator(img_size=img_size, channels=channels, width=8)
    x = G(torch.randn(3, 16))
    assert x.shape == (3, channels, img_size, img_size)
    assert x.abs().max() <= 1  # tanh output
    assert D(x).shape == (3,)


@pytest.mark.parametrize("norm", ["batch", "layer", "none"])
def test_discriminator_norms(norm):
    D = models.DCGANDiscriminator(img_size=32, channels=1, width=8, norm=norm)
    has_bn = any(isinstance(m, torch.nn.BatchNorm2d) for m in D.modules())
    assert has_bn == (norm == "batch")
    assert D(torch.randn(2, 1, 32, 32)).shape == (2,)


def test_mlp_pair_shapes():
    G = models.MLPGenerator(4, (1, 28, 28), hidden=32, out="tanh")
    D = models.MLPDiscriminator((1, 28, 28), hidden=32)
    assert D(G(torch.randn(5, 4))).shape == (5,)
    assert models.MLPGenerator(2, 2)(torch.randn(5, 2)).shape == (5, 2)


def test_wrong_image_size_is_a_clear_error():
    D = models.DCGANDiscriminator(img_size=28, channels=1, width=8)
    with pytest.raises(ValueError, match=r"expects inputs of shape \(B, 1, 28, 28\)"):
        D(torch.randn(2, 3, 32, 32))
    with pytest.raises(ValueError, match="img_size must be one of"):
        models.DCGANGenerator(img_size=48)
    with pytest.raises(ValueError, match="latent_dim must be a positive integer"):
        models.DCGANGenerator(latent_dim=0)
    with pytest.raises(ValueError, match="norm must be one of"):
        models.DCGANDiscriminator(norm="spectral")
    with pytest.raises(ValueError, match=r"expects inputs of shape \(B, 8\)"):
        models.MLPGenerator(8, 2)(torch.randn(3, 7))


def test_dcgan_init_statistics():
    G = models.DCGANGenerator(latent_dim=64, img_size=64, channels=3, width=64)
    w = G.net[0].weight.detach()
    assert abs(float(w.mean())) < 1e-3
    assert float(w.std()) == pytest.approx(0.02, rel=0.05)


def test_classifier_logits():
    assert models.Classifier()(torch.randn(2, 1, 28, 28)).shape == (2, 10)
    assert models.count_parameters(models.Classifier()) > 0
