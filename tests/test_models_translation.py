"""Translation networks: shapes, argument errors, the PatchGAN's receptive field."""

import pytest
import torch

from gantutor.models.translation import PatchDiscriminator, PointMap, ResNetGenerator


def test_resnet_generator_maps_grey_to_colour_in_range():
    G = ResNetGenerator(c_in=1, c_out=3, width=8, n_blocks=2)
    x = G(torch.randn(4, 1, 28, 28))
    assert x.shape == (4, 3, 28, 28) and x.abs().max() <= 1
    assert ResNetGenerator(3, 3, width=4, n_blocks=1, img_size=16)(
        torch.randn(2, 3, 16, 16)
    ).shape == (2, 3, 16, 16)


@pytest.mark.parametrize(
    ("n_down", "side", "field"), [(1, 12, 16), (2, 5, 34), (3, 1, 70)]
)
def test_patch_discriminator_returns_one_logit_per_patch(n_down, side, field):
    D = PatchDiscriminator(c_in=3, width=8, n_down=n_down)
    d = D(torch.randn(2, 3, 28, 28))
    assert d.shape == (2, side * side) and D.map_size == side
    assert D.receptive_field == field


def test_each_patch_logit_sees_exactly_its_receptive_field():
    D = PatchDiscriminator(c_in=1, width=4, n_down=1, norm="none")
    x = torch.randn(1, 1, 28, 28, requires_grad=True)
    D(x).view(12, 12)[6, 6].backward()
    seen = x.grad[0, 0].abs() > 0  # (28, 28)
    rows, cols = seen.any(1).nonzero().flatten(), seen.any(0).nonzero().flatten()
    assert len(rows) == len(cols) == D.receptive_field == 16
    assert int(rows[0]) == 2 * 6 - 5 and int(cols[-1]) == 2 * 6 - 5 + 15


def test_instance_norm_couples_the_patches():
    D = PatchDiscriminator(c_in=1, width=4, n_down=1)
    x = torch.randn(1, 1, 28, 28, requires_grad=True)
    D(x).view(12, 12)[6, 6].backward()
    assert (x.grad[0, 0].abs() > 0).all()


def test_point_map_shapes():
    assert PointMap(hidden=8)(torch.randn(5, 2)).shape == (5, 2)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: ResNetGenerator(c_in=0), "c_in must be a positive integer"),
        (lambda: ResNetGenerator(n_blocks=0), "n_blocks must be"),
        (lambda: ResNetGenerator(img_size=30), "divisible by 4"),
        (lambda: PatchDiscriminator(width=2.5), "width must be"),
        (lambda: PatchDiscriminator(norm="batch"), "norm must be one of"),
        (lambda: PatchDiscriminator(img_size=8, n_down=3), "too small"),
        (lambda: PointMap(dim=0), "dim must be"),
    ],
)
def test_bad_arguments_are_named(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_wrong_inputs_are_refused():
    with pytest.raises(ValueError, match=r"ResNetGenerator expects .*\(B, 1, 28, 28\)"):
        ResNetGenerator(1, 3, width=4, n_blocks=1)(torch.randn(2, 3, 28, 28))
    with pytest.raises(ValueError, match="PatchDiscriminator expects"):
        PatchDiscriminator(3, width=4)(torch.randn(2, 1, 28, 28))
