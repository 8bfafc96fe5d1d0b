import pytest
import torch
from torch import nn

from gantutor import models
from gantutor.models.dcgan import DCGANDiscriminator, DCGANGenerator, dcgan_init
from gantutor.models.dcgan_rules import (
    FC_SCALE,
    RULES,
    DCGANRules,
    ablations,
)


def paper_G(latent_dim=16, width=8):
    """DCGAN's G at 28 px written out layer by layer, as built before the rules."""
    G = nn.Sequential(
        nn.ConvTranspose2d(latent_dim, 2 * width, 7, 1, 0, bias=False),
        nn.BatchNorm2d(2 * width),
        nn.ReLU(),
        nn.ConvTranspose2d(2 * width, width, 4, 2, 1, bias=False),
        nn.BatchNorm2d(width),
        nn.ReLU(),
        nn.ConvTranspose2d(width, 1, 4, 2, 1),
        nn.Tanh(),
    )
    return G.apply(dcgan_init)


def paper_D(width=8):
    D = nn.Sequential(
        nn.Conv2d(1, width, 4, 2, 1),
        nn.LeakyReLU(0.2),
        nn.Conv2d(width, 2 * width, 4, 2, 1, bias=False),
        nn.BatchNorm2d(2 * width),
        nn.LeakyReLU(0.2),
        nn.Conv2d(2 * width, 1, 7, 1, 0),
    )
    return D.apply(dcgan_init)


@pytest.mark.parametrize("who", ["G", "D"])
def test_default_rules_build_the_paper_network_unchanged(who):
    torch.manual_seed(0)
    ours = DCGANGenerator(16, 28, 1, 8) if who == "G" else DCGANDiscriminator(28, 1, 8)
    torch.manual_seed(0)
    ref = paper_G() if who == "G" else paper_D()
    assert [type(m) for m in ours.net] == [type(m) for m in ref]
    # the same layers drawing the same random numbers: the same weights
    for a, b in zip(ours.state_dict().values(), ref.state_dict().values(), strict=True):
        torch.testing.assert_close(a, b)
    x = torch.randn(5, 16) if who == "G" else torch.rand(5, 1, 28, 28) * 2 - 1
    x_ref = x[:, :, None, None] if who == "G" else x
    out, out_ref = ours(x), ref(x_ref)
    torch.testing.assert_close(out, out_ref if who == "G" else out_ref.flatten())
    assert ours.rules == DCGANRules() == ablations()["DCGAN"]


def test_ablations_remove_exactly_one_rule_each():
    variants = ablations()
    assert list(variants) == ["DCGAN", *RULES.values()]
    assert variants["DCGAN"].removed == ()
    for rule, name in RULES.items():
        assert variants[name].removed == (rule,)
        assert variants[name] == DCGANRules().without(rule)


def kinds(net: nn.Module) -> set[type]:
    return {type(m) for m in net.modules()}


@pytest.mark.parametrize("img_size", [28, 32, 64])
@pytest.mark.parametrize("name", list(ablations()))
def test_every_variant_keeps_the_shapes(name, img_size):
    rules = ablations()[name]
    G = DCGANGenerator(8, img_size, 1, 4, rules=rules)
    D = DCGANDiscriminator(img_size, 1, 4, rules=rules)
    x = G(torch.randn(3, 8))
    assert x.shape == (3, 1, img_size, img_size)
    assert D(x).shape == (3,)


def test_each_removed_rule_changes_what_it_names():
    pair = {
        name: (
            DCGANGenerator(8, 28, 1, 4, rules=r),
            DCGANDiscriminator(28, 1, 4, rules=r),
        )
        for name, r in ablations().items()
    }
    G, D = pair["pooling + upsampling"]
    assert nn.ConvTranspose2d in kinds(G.net[:3])  # the projection of z stays
    assert sum(isinstance(m, nn.ConvTranspose2d) for m in G.modules()) == 1
    assert nn.Upsample in kinds(G) and nn.AvgPool2d in kinds(D)
    assert all(m.stride == (1, 1) for m in D.modules() if isinstance(m, nn.Conv2d))
    G, D = pair["no BatchNorm"]
    assert nn.BatchNorm2d not in kinds(G) | kinds(D)
    assert all(m.bias is not None for m in G.modules() if hasattr(m, "bias"))
    G, D = pair["ReLU in D"]
    assert nn.LeakyReLU not in kinds(D) and nn.ReLU in kinds(D)
    G, D = pair["no tanh"]
    assert nn.Tanh not in kinds(G) and isinstance(G.net[-1], nn.ConvTranspose2d)
    n_dcgan = models.count_parameters(pair["DCGAN"][0])
    for name, (G, _) in pair.items():
        extra = models.count_parameters(G) - n_dcgan
        assert (extra > 0) == (name == "FC hidden layers"), name


def test_the_fully_connected_layer_is_a_matrix_product():
    torch.manual_seed(0)
    G = DCGANGenerator(8, 28, 1, 4, rules=DCGANRules(no_fc=False))
    fc = G.net[0]  # a 1×1 convolution of the 1×1 map of z
    assert fc.out_channels == FC_SCALE * 4
    z = torch.randn(5, 8)
    W = fc.weight[:, :, 0, 0]  # (FC_SCALE·width, latent_dim)
    torch.testing.assert_close(fc(z[:, :, None, None])[:, :, 0, 0], z @ W.T)
    D = DCGANDiscriminator(28, 1, 4, rules=DCGANRules(no_fc=False))
    assert D.net[-1].in_channels == FC_SCALE * 4 and D.net[-1].kernel_size == (1, 1)


def test_without_tanh_the_output_is_unbounded():
    torch.manual_seed(0)
    G = DCGANGenerator(8, 28, 1, 4, rules=DCGANRules(tanh=False))
    with torch.no_grad():
        G.net[-1].bias.fill_(3.0)
        assert float(G(torch.randn(2, 8)).min()) > 1.0


def test_pooling_with_layer_norm_sizes_the_norm_before_the_pool():
    D = DCGANDiscriminator(32, 1, 4, norm="layer", rules=DCGANRules(strided=False))
    assert D(torch.randn(2, 1, 32, 32)).shape == (2,)


def test_bad_rules_are_clear_errors():
    with pytest.raises(ValueError, match="rules must be a DCGANRules"):
        DCGANGenerator(8, 28, 1, 4, rules={"batchnorm": False})
    with pytest.raises(ValueError, match="must be True or False"):
        DCGANRules(strided=1)
    with pytest.raises(ValueError, match="unknown rule 'pooling'; known: strided"):
        DCGANRules().without("pooling")
    with pytest.raises(ValueError, match="pass norm='none'"):
        DCGANDiscriminator(28, 1, 4, norm="layer", rules=DCGANRules(batchnorm=False))
