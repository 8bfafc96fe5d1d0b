"""Two-domain data: the coloured-digit answer key, disjoint halves, 2-D modes."""

import numpy as np
import pytest
import torch
from torch.testing import assert_close

from gantutor.data import domains


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("GANTUTOR_OFFLINE", "1")
    return monkeypatch


def test_a_coloured_pixel_is_the_mnist_m_blend_of_the_photo_and_the_digit():
    from sklearn.datasets import load_sample_images

    digits = torch.rand(3, 1, 28, 28) * 2 - 1
    coloured = domains.colour_digits(digits, seed=4)
    i, row, col = 2, 5, 17
    photo = load_sample_images().images[int(coloured.photo[i])]  # (H, W, 3) uint8
    top, left = int(coloured.top[i]), int(coloured.left[i])
    p = torch.from_numpy(photo[top + row, left + col].astype(np.float32)) / 255
    d = (digits[i, 0, row, col] + 1) / 2
    assert_close(coloured.x[i, :, row, col], (p - d).abs() * 2 - 1)


def test_coloured_digits_are_in_range_and_deterministic_by_seed():
    digits = torch.rand(20, 1, 28, 28) * 2 - 1
    one, again = domains.colour_digits(digits, 7), domains.colour_digits(digits, 7)
    other = domains.colour_digits(digits, 8)
    assert one.x.shape == (20, 3, 28, 28) and one.x.abs().max() <= 1
    assert torch.equal(one.x, again.x) and torch.equal(one.top, again.top)
    assert not torch.equal(one.x, other.x)
    assert torch.equal(one.source, torch.arange(20))


def test_train_domains_are_disjoint_and_the_key_rebuilds_every_coloured_digit(
    offline,
):
    d = domains.unpaired_digits("train", seed=0, n=200)
    a_ids, b_ids = set(d.a_source.tolist()), set(d.b.source.tolist())
    assert not a_ids & b_ids and a_ids | b_ids == set(range(200))
    assert d.a.shape == (100, 1, 28, 28) and d.b.x.shape == (100, 3, 28, 28)
    assert torch.equal(d.a, d.digits[d.a_source])
    rebuilt = domains.rebuild(d.digits[d.b.source], d.b.photo, d.b.top, d.b.left)
    assert torch.equal(rebuilt, d.b.x)  # exactly: the answer key is right
    again = domains.unpaired_digits("train", seed=0, n=200)
    assert torch.equal(again.b.x, d.b.x) and torch.equal(again.a, d.a)
    other = domains.unpaired_digits("train", seed=1, n=200)
    assert not torch.equal(other.a_source, d.a_source)


def test_the_test_split_pairs_each_coloured_digit_with_its_grey_source(offline):
    d = domains.unpaired_digits("test", seed=0, n=50)
    assert torch.equal(d.a, d.digits[d.b.source])  # a[i] is b[i]'s true source
    assert torch.equal(domains.rebuild(d.a, d.b.photo, d.b.top, d.b.left), d.b.x)
    # The digit is visible in the coloured image: where it is white, the colour
    # is the patch's negative, so the grey and coloured images correlate.
    corr = torch.corrcoef(torch.stack([d.a.mean(1).flatten(), d.b.x.mean(1).flatten()]))
    assert abs(float(corr[0, 1])) > 0.1


def test_rebuild_checks_the_digit_shape():
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        domains.rebuild(torch.zeros(2, 3, 28, 28), *[torch.zeros(2, dtype=int)] * 3)


def test_toy_samples_carry_their_mode_and_the_mode_map_counts_them():
    ring, line = domains.toy_domains()
    assert ring.centres.shape == line.centres.shape == (8, 2)
    g = torch.Generator().manual_seed(0)
    x, k = domains.sample_modes(line, 400, generator=g)
    assert torch.equal(domains.nearest_mode(line, x), k)
    assert (x - line.centres[k]).norm(dim=1).max() < 5 * line.std * 2**0.5
    counts = domains.mode_map(k, k, 8, 8)
    assert torch.equal(counts, torch.diag(torch.bincount(k, minlength=8)))
    collapsed = domains.mode_map(k, torch.zeros_like(k), 8, 8)
    assert collapsed[:, 0].sum() == 400 and collapsed[:, 1:].sum() == 0
    with pytest.raises(ValueError, match="n must be"):
        domains.sample_modes(ring, 0)
