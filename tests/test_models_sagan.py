import pytest
import torch

import gantutor as gt
from gantutor.models.attention import SelfAttention2d
from gantutor.models.sagan import SAGANDiscriminator, SAGANGenerator


def _pair(attention: bool, seed: int = 0, **kwargs):
    torch.manual_seed(seed)
    G = SAGANGenerator(16, 32, 3, width=8, attention=attention, **kwargs)
    D = SAGANDiscriminator(32, 3, width=8, attention=attention, **kwargs)
    return G, D


def _blocks(net) -> list[SelfAttention2d]:
    return [m for m in net.modules() if isinstance(m, SelfAttention2d)]


def test_shapes_range_and_one_attention_block_where_asked():
    G, D = _pair(attention=True)
    x_fake = G(torch.randn(5, 16))
    assert x_fake.shape == (5, 3, 32, 32) and x_fake.abs().max() <= 1
    assert D(x_fake).shape == (5,)
    assert len(_blocks(G)) == 1 and len(_blocks(D)) == 1
    G16, D16 = _pair(attention=True, attention_at=16)
    _, beta = G16.attend(torch.randn(2, 16))
    assert beta.shape == (2, 256, 256)
    G64 = SAGANGenerator(16, 64, 3, width=8)
    assert G64(torch.randn(2, 16)).shape == (2, 3, 64, 64)


def test_without_attention_it_is_the_same_net_less_the_block():
    with_attn, without = _pair(attention=True), _pair(attention=False)
    for a, b in zip(with_attn, without, strict=True):
        extra = sum(p.numel() for blk in _blocks(a) for p in blk.parameters())
        assert gt.models.count_parameters(a) == gt.models.count_parameters(b) + extra
    # γ = 0 at init: with the other weights copied over, the same function.
    G_a, G_b = with_attn[0].eval(), without[0].eval()
    (block,) = [
        n + "." for n, m in G_a.named_modules() if isinstance(m, SelfAttention2d)
    ]
    kept = [v for k, v in G_a.state_dict().items() if not k.startswith(block)]
    keys = list(G_b.state_dict())
    G_b.load_state_dict(dict(zip(keys, kept, strict=True)))
    z = torch.randn(3, 16)
    torch.testing.assert_close(G_a(z), G_b(z))
    with pytest.raises(ValueError, match="attention=False"):
        G_b.attend(z)


def test_attend_returns_the_images_and_row_stochastic_maps():
    G, _ = _pair(attention=True)
    G.eval()
    z = torch.randn(4, 16)
    x, beta = G.attend(z)
    torch.testing.assert_close(x, G(z))
    assert beta.shape == (4, 64, 64)
    torch.testing.assert_close(beta.sum(-1), torch.ones(4, 64))


def test_every_convolution_is_spectrally_normalised():
    G, D = _pair(attention=True)
    for net in (G, D):
        convs = [
            m for m in net.modules() if isinstance(m, torch.nn.modules.conv._ConvNd)
        ]
        assert convs and all(hasattr(m, "parametrizations") for m in convs)
    assert not any(m.__class__.__name__ == "BatchNorm2d" for m in D.modules())
    G_plain, _ = _pair(attention=True, spectral=False)
    assert not any(hasattr(m, "parametrizations") for m in G_plain.modules())


def test_hinge_step_with_ttur_trains_and_stays_graph_safe():
    G, D = _pair(attention=True)
    opt_G = torch.optim.Adam(G.parameters(), lr=1e-4, betas=(0.0, 0.9))
    opt_D = torch.optim.Adam(D.parameters(), lr=4e-4, betas=(0.0, 0.9))
    step = gt.steps.gan_step(G, D, opt_G, opt_D, loss="hinge")
    assert step.graph_safe
    u = D.net[0].parametrizations.weight[0]._u.clone()
    out = step(torch.rand(8, 3, 32, 32) * 2 - 1)
    assert set(out) == {"D", "G"} and all(torch.isfinite(v) for v in out.values())
    assert not torch.equal(u, D.net[0].parametrizations.weight[0]._u)  # power step
    assert _blocks(G)[0].gamma.item() != 0.0  # γ learns from the first step


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="img_size must be one of"):
        SAGANGenerator(img_size=28)
    with pytest.raises(ValueError, match="attention_at must be the size of a hidden"):
        SAGANDiscriminator(attention_at=4)
    with pytest.raises(ValueError, match="positive integer"):
        SAGANGenerator(latent_dim=0)
    with pytest.raises(ValueError, match="expects inputs of shape"):
        SAGANDiscriminator()(torch.randn(2, 1, 32, 32))
