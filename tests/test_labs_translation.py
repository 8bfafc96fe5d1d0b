"""What the translation chapters measure, checked on maps whose answers are known."""

import pytest
import torch
from torch import nn

from gantutor import metrics
from gantutor.data.domains import colour_digits, unpaired_digits
from gantutor.labs import translation as lt


class Lookup(nn.Module):
    """The perfect map of the answer key: each source image to its counterpart."""

    def __init__(self, source, target):
        super().__init__()
        self.source, self.target = source.flatten(1), target
        self.anchor = nn.Parameter(torch.zeros(()))  # gives the map a device

    def forward(self, x):
        idx = torch.cdist(x.flatten(1), self.source).argmin(1)  # (B,)
        return self.target[idx]


class Constant(nn.Module):
    """A map that ignores its input: every output is the same image."""

    def __init__(self, image):
        super().__init__()
        self.image = nn.Parameter(image)

    def forward(self, x):
        return self.image.expand(len(x), *self.image.shape)


@pytest.fixture(scope="module")
def test_split():
    return unpaired_digits("test", n=120)


@pytest.fixture(scope="module")
def judge():
    return lt.coloured_classifier(steps=150)


def test_the_coloured_judge_reads_coloured_digits(judge):
    assert judge.accuracy > 0.6  # chance is 0.1
    assert judge.extractor.channels == 3 and judge.extractor.dim == 64


def test_perfect_maps_score_zero_error_and_the_judges_accuracy(test_split, judge):
    t = test_split
    G_ab, G_ba = Lookup(t.a, t.b.x), Lookup(t.b.x, t.a)
    scores = lt.translation_scores(G_ab, G_ba, t, judge.extractor)
    assert set(scores) == set(lt.COLUMNS)
    for key in ("error_ab", "error_ba", "cycle_aba", "cycle_bab"):
        assert scores[key] == 0.0
    y = t.labels[t.a_source]
    assert scores["class_ba"] == lt.class_kept(t.a, y, "mnist-cnn")
    assert scores["class_ab"] == lt.class_kept(t.b.x, y, judge.extractor)
    assert scores["class_ba"] > 0.8
    torch.testing.assert_close(scores["fid_a"], 0.0, atol=1e-3, rtol=0)
    torch.testing.assert_close(scores["fid_b"], 0.0, atol=1e-3, rtol=0)
    assert lt.answer_key_error(G_ab, G_ba, t) == {"ab": 0.0, "ba": 0.0}
    assert lt.cycle_error(G_ab, G_ba, t.a, t.b.x) == {"aba": 0.0, "bab": 0.0}


def test_the_error_is_in_unit_pixels(test_split):
    t = test_split
    G_ab = Constant(torch.full((3, 28, 28), -1.0))
    G_ba = Constant(torch.full((1, 28, 28), 1.0))
    error = lt.answer_key_error(G_ab, G_ba, t)
    # |x − c| / 2 averaged: the mean distance of the pixels to black and to white
    torch.testing.assert_close(error["ab"], float((t.b.x + 1).mean() / 2))
    torch.testing.assert_close(error["ba"], float((1 - t.a).mean() / 2))


def test_a_map_that_ignores_its_input_keeps_about_one_class_in_ten(test_split, judge):
    t = test_split
    y = t.labels[t.a_source]
    x_out = lt.translate(Constant(t.a[0]), t.b.x)  # the same grey digit for all
    kept = lt.class_kept(x_out, y, "mnist-cnn")
    # it keeps exactly the share of sources whose label it happens to show
    shown = metrics.features(t.a[:1], "mnist-cnn", "[-1,1]", logits=True).argmax()
    assert kept == float((y == shown).double().mean())
    assert kept < 0.25
    fid_random = lt.fid(t.a, x_out, "mnist-cnn")
    assert fid_random > 50


def test_bad_shapes_and_unpaired_splits_raise(test_split, judge):
    t = test_split
    y = t.labels[t.a_source]
    with pytest.raises(ValueError, match="mnist-cnn"):
        lt.class_kept(t.b.x, y, "mnist-cnn")  # coloured images, grey judge
    with pytest.raises(ValueError, match="coloured"):
        lt.class_kept(t.a, y, judge.extractor)  # grey images, coloured judge
    with pytest.raises(ValueError, match="labels"):
        lt.class_kept(t.a, y[:-1], "mnist-cnn")
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        lt.cycle_error(nn.Identity(), nn.Identity(), t.b.x, t.a)
    with pytest.raises(ValueError, match="test"):
        train = unpaired_digits("train", n=40)
        lt.answer_key_error(nn.Identity(), nn.Identity(), train)
    with pytest.raises(ValueError, match="shape"):
        lt.pixel_error(t.a, t.b.x)
    with pytest.raises(ValueError, match=">= 1"):
        lt.coloured_classifier(steps=0)


def test_score_table_has_one_row_per_run():
    scores = dict.fromkeys(lt.COLUMNS, 0.5)
    table = lt.score_table({"cyclegan": scores, "dualgan": scores})
    lines = table.splitlines()
    assert len(lines) == 4 and lines[2].startswith("| cyclegan | 0.500 |")
    assert lines[0].count("|") == len(lt.COLUMNS) + 2


def test_round_trips_hold_every_stage(test_split):
    t = test_split
    G_ab, G_ba = Lookup(t.a, t.b.x), Lookup(t.b.x, t.a)
    trips = lt.round_trips(G_ab, G_ba, t.a[:5], t.b.x[:5])
    assert torch.equal(trips["ab"], t.b.x[:5]) and torch.equal(trips["aba"], t.a[:5])
    assert torch.equal(trips["ba"], t.a[:5]) and torch.equal(trips["bab"], t.b.x[:5])


def test_noise_before_the_map_back_costs_its_closed_form():
    # G_ba averages the channels; on black images the error is E|σ ε̄| / 2 with
    # ε̄ the mean of 3 standard normals: σ √(1/3) √(2/π) / 2
    G_ba = nn.Conv2d(3, 1, 1, bias=False)
    nn.init.constant_(G_ba.weight, 1 / 3)
    a, x_b = torch.zeros(60, 1, 28, 28), torch.zeros(60, 3, 28, 28)
    sigmas = [0.0, 0.05, 0.1]
    errors = lt.reconstruction_under_noise(G_ba, x_b, a, sigmas)
    expected = [s * (1 / 3) ** 0.5 * (2 / torch.pi) ** 0.5 / 2 for s in sigmas]
    torch.testing.assert_close(errors, expected, rtol=0.02, atol=1e-7)
    with pytest.raises(ValueError, match="σ"):
        lt.reconstruction_under_noise(G_ba, x_b, a, [-0.1])
    with pytest.raises(ValueError, match="pair up"):
        lt.reconstruction_under_noise(G_ba, x_b[:3], a, [0.1])


def test_repatched_digits_differ_only_in_the_patch(test_split):
    t = test_split
    again = lt.repatched(t, seed=5)
    assert again.shape == t.b.x.shape and not torch.equal(again, t.b.x)
    assert torch.equal(again, colour_digits(t.a, 5).x)  # the same digits, new patches
    with pytest.raises(ValueError, match="paired"):
        lt.repatched(unpaired_digits("train", n=40))


def test_colour_recovered_is_one_for_the_same_colours_and_zero_for_unrelated():
    g = torch.Generator().manual_seed(0)
    x = torch.rand(400, 3, 28, 28, generator=g) * 2 - 1
    shade = torch.rand(400, 3, 1, 1, generator=g) - 0.5
    coloured = (x * 0.2 + shade).clamp(-1, 1)
    assert lt.colour_recovered(coloured, coloured) == pytest.approx(1.0)
    other = (x * 0.2 + shade[torch.randperm(400, generator=g)]).clamp(-1, 1)
    assert abs(lt.colour_recovered(coloured, other)) < 0.15  # ~ 1/√1200 noise
    with pytest.raises(ValueError, match=r"\(N, 3, 28, 28\)"):
        lt.colour_recovered(x[:, :1], x)
