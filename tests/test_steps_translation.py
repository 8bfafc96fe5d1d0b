"""Two-mapping and one-mapping translation steps (CycleGAN, DiscoGAN, DualGAN)."""

import copy

import pytest
import torch

from gantutor.data.domains import sample_modes, toy_domains
from gantutor.losses.cycle import cycle_loss
from gantutor.models.mlp import MLPDiscriminator
from gantutor.models.translation import PatchDiscriminator, PointMap, ResNetGenerator
from gantutor.steps.translation import PRESETS, one_way_step, translation_step

RING, LINE = toy_domains()


def toy_nets(seed=0):
    torch.manual_seed(seed)
    G_ab, G_ba = PointMap(hidden=32), PointMap(hidden=32)
    D_a, D_b = (MLPDiscriminator(2, hidden=32, depth=2) for _ in "ab")
    return G_ab, G_ba, D_a, D_b


def optimisers(G_ab, G_ba, D_a, D_b, lr=1e-3):
    def adam(*ms):
        params = [p for m in ms for p in m.parameters()]
        return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999))

    return adam(G_ab, G_ba), adam(D_a, D_b)


def toy_batch(n=32, seed=1):
    g = torch.Generator().manual_seed(seed)
    return sample_modes(RING, n, g)[0], sample_modes(LINE, n, g)[0]


def run(steps=2, **options):
    nets = toy_nets()
    step = translation_step(*nets, *optimisers(*nets), **options)
    return [step(toy_batch(seed=s)) for s in range(steps)]


@pytest.mark.parametrize(
    "change",
    [
        dict(lambda_cycle=0.0),
        dict(lambda_identity=1.0),
        dict(loss="lsgan-pearson"),
        dict(cycle_norm="l2"),
    ],
)
def test_each_weight_and_option_changes_the_losses(change):
    base, changed = run(), run(**change)
    assert not torch.equal(base[0]["G"], changed[0]["G"])  # the objective
    assert not torch.equal(base[1]["D_b"], changed[1]["D_b"])  # the update
    assert ("identity" in changed[0]) == (change.get("lambda_identity", 0) > 0)


def test_both_mappings_and_both_discriminators_update():
    nets = toy_nets()
    before = [copy.deepcopy(m.state_dict()) for m in nets]
    out = translation_step(*nets, *optimisers(*nets))(toy_batch())
    assert set(out) == {"D_a", "D_b", "G", "cycle"}
    assert all(v.dim() == 0 and not v.requires_grad for v in out.values())
    for m, old in zip(nets, before, strict=True):
        assert any(not torch.equal(p, old[k]) for k, p in m.state_dict().items())


def test_dualgan_clips_both_critics_and_takes_n_critic_batches():
    nets = toy_nets()
    step = translation_step(*nets, *optimisers(*nets, lr=0.1), **PRESETS["dualgan"])
    assert step.batches_per_step == 5 and step.graph_safe
    step(toy_batch(n=5 * 8))
    for D in nets[2:]:
        weights = torch.cat([p.flatten() for p in D.parameters()])
        assert weights.abs().max() <= 0.01
        assert (weights.abs() == 0.01).any()  # the clip was needed: lr 0.1
    with pytest.raises(ValueError, match="n_critic=5 chunks"):
        step(toy_batch(n=12))


def test_cyclegan_preset_on_images_with_patches_identity_and_buffer():
    torch.manual_seed(0)
    G_ab, G_ba = (ResNetGenerator(3, 3, width=4, n_blocks=1) for _ in "ab")
    D_a, D_b = (PatchDiscriminator(3, width=4) for _ in "ab")
    nets = (G_ab, G_ba, D_a, D_b)
    step = translation_step(*nets, *optimisers(*nets), **PRESETS["cyclegan"])
    assert not step.graph_safe
    out = step((torch.rand(4, 3, 28, 28) * 2 - 1, torch.rand(4, 3, 28, 28) * 2 - 1))
    assert set(out) == {"D_a", "D_b", "G", "cycle", "identity"}
    assert [len(buf) for buf in step.buffers] == [4, 4]


def test_identity_on_domains_of_two_shapes_says_to_turn_it_off():
    torch.manual_seed(0)
    G_ab, G_ba = ResNetGenerator(1, 3, width=4, n_blocks=1), ResNetGenerator(3, 1, 4, 1)
    D_a, D_b = PatchDiscriminator(1, width=4), PatchDiscriminator(3, width=4)
    nets = (G_ab, G_ba, D_a, D_b)
    step = translation_step(*nets, *optimisers(*nets), **PRESETS["cyclegan"])
    grey, coloured = torch.zeros(2, 1, 28, 28), torch.zeros(2, 3, 28, 28)
    with pytest.raises(ValueError, match="set lambda_identity=0"):
        step((grey, coloured))
    settings = {**PRESETS["cyclegan"], "lambda_identity": 0.0}
    step = translation_step(*nets, *optimisers(*nets), **settings)
    assert "identity" not in step((grey, coloured))


@pytest.mark.parametrize(
    ("option", "match"),
    [
        (dict(lambda_cycle=-1.0), "lambda_cycle must be a number >= 0"),
        (dict(cycle_norm="l3"), "cycle_norm must be one of"),
        (dict(n_critic=0), "n_critic must be"),
        (dict(clip=0.0), "clip"),
        (dict(buffer_size=-1), "buffer_size"),
        (dict(loss="no-such-loss"), "unknown loss"),
    ],
)
def test_bad_options_are_named(option, match):
    nets = toy_nets()
    with pytest.raises(ValueError, match=match):
        translation_step(*nets, *optimisers(*nets), **option)


def test_a_short_toy_run_brings_the_cycle_error_down():
    nets = toy_nets()
    G_ab, G_ba = nets[:2]
    step = translation_step(*nets, *optimisers(*nets))
    a, b = toy_batch(n=512, seed=99)

    def error():
        with torch.no_grad():
            return cycle_loss(a, G_ba(G_ab(a))) + cycle_loss(b, G_ab(G_ba(b)))

    start = error()
    for _ in range(300):
        step((sample_modes(RING, 64)[0], sample_modes(LINE, 64)[0]))
    assert error() < 0.2 * start


def test_one_way_step_trains_the_map_back_only_with_a_reconstruction_weight():
    G_ab, G_ba, D_a, D_b = toy_nets()
    with pytest.raises(ValueError, match="needs the map back G_ba"):
        one_way_step(G_ab, D_b, *optimisers(G_ab, G_ba, D_a, D_b), lambda_rec=1.0)
    for lambda_rec, moves in [(0.0, False), (1.0, True)]:
        G_ab, G_ba, _, D_b = toy_nets()
        opt_G = torch.optim.Adam([*G_ab.parameters(), *G_ba.parameters()], lr=1e-3)
        opt_D = torch.optim.Adam(D_b.parameters(), lr=1e-3)
        step = one_way_step(G_ab, D_b, opt_G, opt_D, lambda_rec=lambda_rec, G_ba=G_ba)
        before = copy.deepcopy(G_ba.state_dict())
        out = step(toy_batch())
        assert set(out) == {"D", "G", "rec"}
        changed = any(
            not torch.equal(p, before[k]) for k, p in G_ba.state_dict().items()
        )
        assert changed == moves
