"""One LAPGAN level's step equals the algorithm written out."""

import pytest
import torch
from torch.testing import assert_close

import gantutor as gt
from gantutor.models.lapgan import ResidualDiscriminator, ResidualGenerator


def pair(seed: int = 0):
    torch.manual_seed(seed)
    G, D = ResidualGenerator(3, 8), ResidualDiscriminator(16, 3, 4)
    opt_G = torch.optim.Adam(G.parameters(), 1e-3)
    opt_D = torch.optim.Adam(D.parameters(), 1e-3)
    return G, D, opt_G, opt_D


def written_out(G, D, opt_G, opt_D, h_real, coarse):
    h_fake = G(G.noise(coarse), coarse).detach()  # the same real l for the fakes
    d_real, d_fake = D(h_real, coarse), D(h_fake, coarse)
    loss_D = gt.losses.gan_d(d_real, d_fake)
    opt_D.zero_grad()
    loss_D.backward()
    opt_D.step()
    loss_G = gt.losses.nonsaturating_g(D(G(G.noise(coarse), coarse), coarse))
    opt_G.zero_grad()
    loss_G.backward()
    opt_G.step()
    return {"D": loss_D.detach(), "G": loss_G.detach()}


def test_level_step_equals_the_algorithm_written_out():
    h = torch.randn(3, 8, 3, 16, 16) * 0.1
    coarse = torch.rand(3, 8, 3, 16, 16) * 2 - 1
    ours, theirs = pair(), pair()
    step = gt.steps.level_step(*ours)
    torch.manual_seed(5)
    out = [step((h[i], coarse[i])) for i in range(3)]
    torch.manual_seed(5)
    ref = [written_out(*theirs, h[i], coarse[i]) for i in range(3)]
    for a, b in zip(out, ref, strict=True):
        assert_close(a["D"], b["D"])
        assert_close(a["G"], b["G"])
    for a, b in zip(ours[0].parameters(), theirs[0].parameters(), strict=True):
        assert_close(a, b)
    for a, b in zip(ours[1].parameters(), theirs[1].parameters(), strict=True):
        assert_close(a, b)
    assert all(p.requires_grad for p in ours[1].parameters())  # D unfrozen after


def test_level_step_refuses_unpaired_batches():
    step = gt.steps.level_step(*pair())
    with pytest.raises(TypeError, match="h_real, l"):
        step(torch.randn(4, 3, 16, 16))
