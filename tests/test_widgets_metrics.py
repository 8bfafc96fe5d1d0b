import numpy as np
import pytest
import torch

import gantutor as gt
from gantutor.labs import defects
from gantutor.widgets import metrics as metrics_widgets


def test_sample_size_explorer_slider_redraws():
    ns = [100, 300, 1_000]
    values = {
        "FID": {"real": np.array([[9.0, 11.0], [5.0, 6.0], [3.0, 3.5]])},
        "KID": {"real": np.zeros((3, 2)), "GAN": np.ones((3, 2))},
    }
    explorer = metrics_widgets.SampleSizeExplorer(ns, values, {"KID": (0.0, "zero")})
    assert explorer.slider.value == 1_000 and explorer.image.value[:4] == b"\x89PNG"
    last = explorer.image.value
    explorer.slider.value = 100
    assert explorer.image.value != last
    fid, kid = (ax.get_title() for ax in explorer.draw(*explorer.setting).axes)
    assert fid == "FID\nn = 100: 10 ± 1" and kid.startswith("KID\nn = 100: 0 ±")
    explorer.slider.value = 1_000
    assert explorer.image.value == last  # the drawing is a function of n
    with pytest.raises(ValueError, match=r"\(len\(ns\), repeats\)"):
        metrics_widgets.SampleSizeExplorer(ns, {"FID": {"real": np.zeros((2, 2))}})


def test_mode_dropping_explorer_slider_redraws_images_and_points():
    ks = [0, 1, 2]
    values = {"FID": [1.0, 5.0, 9.0], "recall": [0.9, 0.6, 0.3], "NDB": [0, 4, 8]}
    images = [torch.full((4, 1, 28, 28), -1.0 + k) for k in ks]
    explorer = metrics_widgets.ModeDroppingExplorer(ks, values, images, value=0)
    first = explorer.image.value
    explorer.slider.value = 2
    assert explorer.image.value != first and explorer.image.value[:4] == b"\x89PNG"
    titles = [ax.get_title() for ax in explorer.draw(*explorer.setting).axes]
    assert "classes dropped = 2" in titles and "FID = 9" in titles

    x_real = gt.data.ring().sample(200)
    points = [x_real[: 50 * (k + 1)] for k in ks]
    explorer = metrics_widgets.ModeDroppingExplorer(
        ks, values, points, x_real=x_real, xlabel="modes dropped, k"
    )
    last = explorer.image.value
    explorer.slider.value = 0
    assert explorer.image.value != last
    with pytest.raises(ValueError, match="one entry per k"):
        metrics_widgets.ModeDroppingExplorer(ks, {"FID": [1.0, 2.0]}, images)
    with pytest.raises(ValueError, match=r"images \(B, C, H, W\) or points"):
        metrics_widgets.ModeDroppingExplorer([0], {"FID": [1.0]}, [torch.zeros(3)])


def test_label_entropies_give_the_inception_score():
    logits = torch.randn(500, 10)
    h_marg, h_cond = defects.label_entropies(logits)
    score, _ = gt.metrics.inception_score(logits, splits=1)
    assert np.exp(h_marg - h_cond) == pytest.approx(score, rel=1e-9)
    one_hot = 50.0 * torch.eye(10).repeat(10, 1)  # every class, confidently
    h_marg, h_cond = defects.label_entropies(one_hot)
    assert (h_marg, h_cond) == (pytest.approx(np.log(10)), pytest.approx(0, abs=1e-9))


def test_inception_score_explorer_buttons_redraw():
    sets = {
        "diverse": (torch.zeros(8, 1, 28, 28), 50.0 * torch.eye(10).repeat(3, 1)),
        "collapsed": (torch.ones(8, 1, 28, 28) * 0.5, torch.zeros(30, 10)),
    }
    explorer = metrics_widgets.InceptionScoreExplorer(sets)
    assert explorer.buttons.value == "diverse"
    first = explorer.image.value
    assert "IS = 10.00" in explorer.draw("diverse").axes[2].get_title()
    explorer.buttons.value = "collapsed"
    assert explorer.image.value != first
    titles = [ax.get_title() for ax in explorer.draw(*explorer.setting).axes]
    assert titles[1] == "p(y): H(y) = 2.30 nats" and "IS = 1.00" in titles[2]
    with pytest.raises(ValueError, match="at least one set"):
        metrics_widgets.InceptionScoreExplorer({})
