import pytest
import torch

import gantutor as gt
from gantutor.losses import energy


def pair(seed: int = 0):
    torch.manual_seed(seed)
    G = gt.models.MLPGenerator(4, 2, hidden=16)
    D = gt.models.AutoencoderDiscriminator(2, code_dim=2, hidden=16)
    opt_G, opt_D = (torch.optim.SGD(m.parameters(), lr=0.1) for m in (G, D))
    return G, D, opt_G, opt_D


def test_first_losses_are_ebgans_on_the_starting_networks():
    G, D, opt_G, opt_D = pair()
    x = torch.randn(32, 2)
    torch.manual_seed(1)
    z = torch.randn(32, 4)  # the step's first draw
    with torch.no_grad():
        e_real, _ = D.energy_and_code(x)
        e_fake, _ = D.energy_and_code(G(z))
    torch.manual_seed(1)
    out = gt.steps.ebgan_step(G, D, opt_G, opt_D, margin=0.5)(x)
    torch.testing.assert_close(out["D"], energy.ebgan_d(e_real, e_fake, 0.5))
    torch.testing.assert_close(out["E(x_real)"], e_real.mean())


def test_the_pulling_away_term_changes_only_the_generator_loss():
    x = torch.randn(32, 2)
    outs = []
    for lambda_pt in (0.0, 1.0):
        G, D, opt_G, opt_D = pair()
        torch.manual_seed(1)
        outs.append(gt.steps.ebgan_step(G, D, opt_G, opt_D, 0.5, lambda_pt)(x))
    torch.testing.assert_close(outs[0]["D"], outs[1]["D"])
    assert outs[1]["G"] > outs[0]["G"]  # PT >= 0, and > 0 for distinct codes


@pytest.mark.parametrize(
    "kwargs", [dict(margin=-1.0), dict(margin=1.0, lambda_pt=-0.1)]
)
def test_negative_settings_are_refused(kwargs):
    G, D, opt_G, opt_D = pair()
    with pytest.raises(ValueError, match="must be a number >= 0"):
        gt.steps.ebgan_step(G, D, opt_G, opt_D, **kwargs)
