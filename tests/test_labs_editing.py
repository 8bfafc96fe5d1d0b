"""IcGAN's edits and InfoGAN's traversals on hand-made generators with known answers."""

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from gantutor import models, steps
from gantutor.labs import conditional, editing

NAN = float("nan")


class Stripes(nn.Module):
    """A conditional "generator" whose output is known: class k draws a vertical
    bar at column 4 + 2k, z[0] shears it (slant) and z[1] widens it."""

    def __init__(self, n_classes: int = 3):
        super().__init__()
        self.latent_dim, self.n_classes = 2, n_classes
        self.dummy = nn.Parameter(torch.zeros(()))  # gives the module a device

    def forward(self, z, y):
        x = -torch.ones(len(z), 1, 28, 28)
        for i, (zi, k) in enumerate(zip(z, y, strict=True)):
            width = 1 + int(round(float(zi[1].clamp(0, 3))))
            for row in range(4, 24):
                shift = int(round(float(zi[0]) * (row - 14) / 10))
                col = 4 + 2 * int(k) - shift
                x[i, 0, row, col : col + width] = 1.0
        return x


def test_edits_to_every_class_keep_the_code_and_change_the_class():
    G = Stripes()
    z = torch.tensor([[0.0, 0.0], [2.0, 2.0]])
    x = editing.edits_to_every_class(G, z)
    assert x.shape == (2, 3, 1, 28, 28)
    for i in range(2):
        for k in range(3):
            assert_close(x[i, k], G(z[i : i + 1], torch.tensor([k]))[0])
    # the style (slant, width) of a row does not depend on the class
    assert_close(conditional.slant(x[1]), conditional.slant(x[1, :1]).expand(3))
    widths = conditional.stroke_width(x[1])
    assert_close(widths, widths[:1].expand(3))


def test_generate_checks_labels():
    with pytest.raises(ValueError, match=r"in \[0, 2\]"):
        editing.generate(Stripes(), torch.zeros(2, 2), torch.tensor([0, 3]))


def test_edit_success_counts_only_real_changes_per_target():
    # three digits of classes 0, 1, 1; pred[i, k]: the class read on edit i -> k
    pred = torch.tensor([[0, 1, 2], [0, 1, 0], [1, 1, 2]])
    y = torch.tensor([0, 1, 1])
    # target 0: digits 1, 2 -> read 0, 1: 1/2; target 1: digit 0 -> 1: 1/1;
    # target 2: digits 0, 1, 2 -> 2, 0, 2: 2/3
    expected = torch.tensor([0.5, 1.0, 2 / 3], dtype=torch.float64)
    assert_close(editing.edit_success(pred, y), expected)
    nobody = editing.edit_success(pred[:1], torch.tensor([0]))
    assert torch.isnan(nobody[0]) and nobody[1:].tolist() == [1.0, 1.0]
    with pytest.raises(ValueError, match=r"in \[0, 2\]"):
        editing.edit_success(pred, torch.tensor([0, 1, 3]))


def test_pearson_closed_forms():
    a = torch.tensor([1.0, 2.0, 3.0, 4.0])
    assert editing.pearson(a, 3 * a - 1) == pytest.approx(1.0)
    assert editing.pearson(a, -a) == pytest.approx(-1.0)
    assert editing.pearson(a, torch.tensor([1.0, -1.0, -1.0, 1.0])) == pytest.approx(0)
    with pytest.raises(ValueError, match="equal size"):
        editing.pearson(a, a[:3])


def test_style_correlation_is_one_when_edits_keep_the_style_and_low_when_not():
    G = Stripes()
    torch.manual_seed(0)
    z = torch.stack([torch.linspace(-2, 2, 12), torch.rand(12) * 3], dim=1)
    x = editing.generate(G, z, torch.zeros(12, dtype=torch.long))
    kept = editing.style_correlation(x, editing.edits_to_every_class(G, z))
    assert kept["slant"] == pytest.approx(1.0, abs=1e-6)
    assert kept["stroke width"] == pytest.approx(1.0, abs=1e-6)
    # edits from shuffled codes forget each digit's own style
    other = z[torch.tensor([5, 9, 0, 7, 2, 11, 3, 8, 1, 10, 6, 4])]
    lost = editing.style_correlation(x, editing.edits_to_every_class(G, other))
    assert lost["slant"] < 0.5 and lost["stroke width"] < 0.5
    with pytest.raises(ValueError, match="x has 12 images"):
        editing.style_correlation(x, x[:3])


def test_pixel_error_is_the_per_image_mse():
    x = -torch.ones(2, 1, 2, 2)
    x_rec = x.clone()
    x_rec[1, 0, 0, 0] = 1.0  # one pixel of four off by 2: MSE 4 / 4
    assert_close(editing.pixel_error(x, x_rec), torch.tensor([0.0, 1.0]))


def test_encode_returns_codes_and_labels():
    E = models.Encoder((1, 28, 28), 5, 3, hidden=16)
    x = torch.randn(7, 1, 28, 28)
    z, y = editing.encode(E.eval(), x, batch_size=3)
    assert z.shape == (7, 5) and y.dtype == torch.long
    assert_close(z, E.E_z(x).detach())
    assert torch.equal(y, E.E_y(x).argmax(1))


def test_traversal_moves_one_code_and_keeps_the_rest():
    n_cat, n_cont, noise = 3, 2, 4
    G = models.MLPGenerator(noise + n_cat + n_cont, (1, 28, 28), hidden=8, depth=1)
    z = torch.randn(2, noise)
    c = torch.tensor([[0.3, -0.2], [0.1, 0.5]])
    values = torch.tensor([-1.0, 0.0, 1.0])
    x = editing.traversal(G, z, 1, c, 1, values, n_cat)
    assert x.shape == (2, 3, 1, 28, 28)
    for r in range(2):
        for s in range(3):
            code = torch.tensor([[c[r, 0], values[s]]])
            inputs = steps.join_codes(z[r : r + 1], torch.tensor([1]), code, n_cat)
            assert_close(x[r, s], G(inputs)[0].detach())


def test_icgan_encoder_step_lowers_both_losses_and_leaves_G_fixed():
    torch.manual_seed(0)
    G = models.ConditionalGenerator(4, 3, (1, 28, 28), hidden=16, depth=1)
    E = models.Encoder((1, 28, 28), 4, 3, hidden=16, depth=1)
    opt_E = torch.optim.Adam(E.parameters(), lr=1e-2)
    G_before = [p.clone() for p in G.parameters()]
    step = steps.icgan_encoder_step(G, E, opt_E)
    x, y = torch.randn(32, 1, 28, 28), torch.randint(3, (32,))
    first = step((x, y))
    for _ in range(60):
        last = step((x, y))
    assert last["z"] < first["z"] and last["y"] < first["y"]
    for before, after in zip(G_before, G.parameters(), strict=True):
        assert torch.equal(before, after)  # G is fixed
    # the z loss is the mean squared distance; a perfect E_z would give 0
    torch.manual_seed(1)
    z = torch.randn(32, 4)
    y_fake = torch.randint(3, (32,))
    manual = (E.E_z(G(z, y_fake)) - z).square().sum(1).mean()
    torch.manual_seed(1)
    step_z = steps.icgan_encoder_step(G, E, torch.optim.SGD(E.parameters(), 0))
    assert_close(step_z((x, y))["z"], manual.detach())
    with pytest.raises(TypeError, match="labelled batches"):
        step(x)
    with pytest.raises(ValueError, match="E must invert G"):
        steps.icgan_encoder_step(G, models.Encoder((1, 28, 28), 5, 3), opt_E)


def test_style_correlation_mask_keeps_only_the_chosen_pairs():
    G = Stripes()
    z = torch.stack([torch.linspace(-2, 2, 6), torch.zeros(6)], dim=1)
    x = editing.generate(G, z, torch.zeros(6, dtype=torch.long))
    after = torch.stack([x, x.flip(0)], dim=1)  # (6, 2, ...): itself, a stranger
    mask = torch.tensor([[True, False]] * 6)
    assert editing.style_correlation(x, after, mask)["slant"] == pytest.approx(1.0)
    assert editing.style_correlation(x, after)["slant"] < 0.5
    with pytest.raises(ValueError, match=r"mask must be \(N, M\)"):
        editing.style_correlation(x, after, mask[:, :1])
