import pytest
import torch

import gantutor as gt
from gantutor.losses import fdiv


def test_a_loss_says_how_its_discriminator_reads():
    surfaces = {name: loss.surface for name, loss in gt.losses.LOSSES.items()}
    assert surfaces == {
        "minimax": "probability",
        "non-saturating": "probability",
        "wasserstein": "score",
        "hinge": "score",
        "lsgan": "score",
        "lsgan-pearson": "score",
    }
    assert fdiv.loss("kl").surface == "probability"  # σ(v), as chapter f-GAN draws
    with pytest.raises(ValueError, match="surface must be one of"):
        gt.losses.GANLoss("x", gt.losses.gan_d, gt.losses.minimax_g, "logit")


@pytest.mark.parametrize(
    ("loss", "kind"), [("wasserstein", "score"), ("non-saturating", "probability")]
)
def test_snapshots_draw_the_surface_their_loss_names(loss, kind):
    G = gt.models.MLPGenerator(2, 2, hidden=8, depth=1)
    D = gt.models.MLPDiscriminator(2, hidden=8, depth=1)
    snaps = gt.train.callbacks.Snapshots2D(G, D, torch.randn(6, 2), every=1, loss=loss)
    snaps(type("T", (), {"step": 0})())
    (snap,) = snaps.snapshots
    assert snap.kind == kind
    if kind == "probability":
        assert 0 < float(snap.surface.min()) <= float(snap.surface.max()) < 1
    else:  # a score centred on its mean over the plane
        torch.testing.assert_close(snap.surface.mean(), torch.tensor(0.0))
    override = gt.train.callbacks.Snapshots2D(
        G, D, torch.randn(6, 2), 1, loss, 3.0, "score"
    )
    assert override.surface == "score"
