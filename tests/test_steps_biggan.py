"""BigGAN's step: hinge losses, the orthogonal term, batches and graph safety."""

import pytest
import torch

from gantutor import losses, penalties
from gantutor.models.biggan import BigGANDiscriminator, BigGANGenerator
from gantutor.steps.biggan import biggan_step


def make(beta_ortho: float, n_critic: int = 2):
    torch.manual_seed(0)
    G = BigGANGenerator(8, 10, img_size=8, width=4, shared_dim=4)
    D = BigGANDiscriminator(10, img_size=8, width=4)
    opt_G = torch.optim.SGD(G.parameters(), lr=0.1)
    opt_D = torch.optim.SGD(D.parameters(), lr=0.1)
    step = biggan_step(G, D, opt_G, opt_D, n_critic=n_critic, beta_ortho=beta_ortho)
    return G, D, step


def test_one_step_reports_hinge_losses_and_the_orthogonal_penalty():
    G, D, step = make(1e-4)
    assert step.batches_per_step == 2 and step.graph_safe
    ortho_before = penalties.orthogonal_of(G, exclude=(G.shared,)).detach()
    batch = (torch.rand(8, 1, 8, 8) * 2 - 1, torch.randint(10, (8,)))
    out = step(batch)
    assert set(out) == {"D", "G", "ortho"} and out["D"] >= 0  # hinge D loss ≥ 0
    torch.testing.assert_close(out["ortho"], ortho_before)  # measured before G moves


def test_beta_ortho_changes_the_generator_update_only():
    batch = (torch.rand(8, 1, 8, 8) * 2 - 1, torch.randint(10, (8,)))
    (G0, D0, s0), (G1, D1, s1) = make(0.0), make(1.0)
    torch.manual_seed(1)
    s0(batch)
    torch.manual_seed(1)
    s1(batch)
    for a, b in zip(D0.parameters(), D1.parameters(), strict=True):
        torch.testing.assert_close(a, b)
    assert not torch.allclose(G0.stem.parametrizations.weight.original,
                              G1.stem.parametrizations.weight.original)  # fmt: skip
    assert losses.get("hinge").name == "hinge"


def test_bad_batches_and_arguments_raise():
    G, D, step = make(0.0)
    with pytest.raises(TypeError, match="labelled"):
        step(torch.rand(8, 1, 8, 8))
    with pytest.raises(ValueError, match="n_critic"):
        step((torch.rand(7, 1, 8, 8), torch.randint(10, (7,))))
    with pytest.raises(ValueError, match="beta_ortho"):
        biggan_step(G, D, None, None, beta_ortho=-1.0)
