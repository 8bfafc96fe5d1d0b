"""cGAN, ACGAN and InfoGAN steps: what they update, their weights, their inputs."""

import copy
import math

import pytest
import torch
from torch.testing import assert_close

from gantutor import steps
from gantutor.losses import auxiliary
from gantutor.models import MLPGenerator, conditional, info

IMG = (1, 28, 28)


def labelled(n=16):
    return torch.rand(n, *IMG) * 2 - 1, torch.randint(10, (n,))


def adam(module):
    return torch.optim.Adam(module.parameters(), lr=1e-3)


def snapshot(module):
    return [p.detach().clone() for p in module.parameters()]


def all_changed(module, before):
    return all(
        not torch.equal(p, b) for p, b in zip(module.parameters(), before, strict=True)
    )


def cgan(projection=False):
    G = conditional.ConditionalGenerator(8, 10, IMG, hidden=32)
    kind = (
        conditional.ProjectionDiscriminator
        if projection
        else (conditional.ConcatDiscriminator)
    )
    D = kind(IMG, 10, hidden=32)
    return G, D


def acgan():
    G = conditional.ConditionalGenerator(8, 10, IMG, hidden=32)
    return G, conditional.AuxiliaryDiscriminator(IMG, 10, hidden=32)


def infogan(learn_std=False):
    G = MLPGenerator(4 + 10 + 2, IMG, hidden=32, out="tanh")
    D = info.InfoGANDiscriminator(IMG, 10, 2, hidden=32, learn_std=learn_std)
    return G, D


@pytest.mark.parametrize("projection", [False, True])
def test_conditional_step_updates_both_players_and_stays_finite(projection):
    G, D = cgan(projection)
    g0, d0 = snapshot(G), snapshot(D)
    step = steps.conditional_step(G, D, adam(G), adam(D))
    for _ in range(3):
        out = step(labelled())
    assert set(out) == {"D", "G"} and step.graph_safe
    assert all(
        v.dim() == 0 and torch.isfinite(v) and not v.requires_grad for v in out.values()
    )
    assert all_changed(G, g0) and all_changed(D, d0)


def test_conditional_step_loss_is_the_gan_loss_of_the_labelled_pairs():
    G, D = cgan(projection=True)
    x, y = labelled(8)
    D_copy, G_copy = copy.deepcopy(D), copy.deepcopy(G)
    torch.manual_seed(1)
    out = steps.conditional_step(G, D, adam(G), adam(D))((x, y))
    torch.manual_seed(1)
    z, y_fake = torch.randn(8, 8), torch.randint(10, (8,))
    d_real = D_copy(x, y)
    d_fake = D_copy(G_copy(z, y_fake), y_fake)
    expected = torch.nn.functional.softplus(-d_real).mean() + (
        torch.nn.functional.softplus(d_fake).mean()
    )
    assert_close(out["D"], expected.detach())


def test_acgan_step_updates_both_players_and_returns_the_class_terms():
    G, D = acgan()
    g0, d0 = snapshot(G), snapshot(D)
    step = steps.acgan_step(G, D, adam(G), adam(D))
    for _ in range(3):
        out = step(labelled())
    assert set(out) == {"D", "G", "aux_real", "aux_fake"}
    assert all(torch.isfinite(v) for v in out.values())
    assert all_changed(G, g0) and all_changed(D, d0)


def run_once(make, build, seed=0, **kw):
    torch.manual_seed(seed)
    G, D = make()
    batch = labelled()
    torch.manual_seed(seed + 1)
    return build(G, D, adam(G), adam(D), **kw)(batch)


def test_acgan_losses_change_with_lambda_aux():
    a = run_once(acgan, steps.acgan_step, lambda_aux=1.0)
    b = run_once(acgan, steps.acgan_step, lambda_aux=3.0)
    zero = run_once(acgan, steps.acgan_step, lambda_aux=0.0)
    # same seeds: D's first loss differs by exactly 2 × its class terms
    assert_close(a["aux_real"], b["aux_real"])
    assert_close(b["D"] - a["D"], 2 * (a["D"] - zero["D"]))
    assert not torch.allclose(a["G"], b["G"])


def test_acgan_class_term_on_real_images_is_the_cross_entropy_of_d():
    G, D = acgan()
    x, y = labelled(8)
    _, c_real = copy.deepcopy(D)(x)
    out = steps.acgan_step(G, D, adam(G), adam(D))((x, y))
    assert_close(out["aux_real"], auxiliary.auxiliary_ce(c_real, y).detach())


@pytest.mark.parametrize("learn_std", [False, True])
def test_infogan_step_updates_g_d_and_q(learn_std):
    G, D = infogan(learn_std)
    g0, d0, q0 = snapshot(G), snapshot(D), snapshot(D.q)
    step = steps.infogan_step(G, D, adam(G), adam(D), 10, 2)
    for _ in range(3):
        out = step(labelled()[0])  # no labels
    assert set(out) == {"D", "G", "info", "bound"}
    assert all(torch.isfinite(v) for v in out.values())
    assert all_changed(G, g0) and all_changed(D, d0) and all_changed(D.q, q0)


def test_infogan_uses_no_real_labels():
    x, _ = labelled()
    outs = []
    for y in (torch.zeros(16, dtype=torch.long), torch.full((16,), 9)):
        outs.append(run_infogan(batch=(x, y)))
    for k in outs[0]:
        assert_close(outs[0][k], outs[1][k])


def run_infogan(batch=None, **kw):
    torch.manual_seed(0)
    G, D = infogan()
    batch = labelled()[0] if batch is None else batch
    torch.manual_seed(1)
    return steps.infogan_step(G, D, adam(G), adam(D), 10, 2, **kw)(batch)


def test_infogan_losses_change_with_lambda_info():
    a, b = run_infogan(lambda_info=1.0), run_infogan(lambda_info=2.0)
    zero = run_infogan(lambda_info=0.0)
    # same seeds: D's loss is linear in λ (its info term trains Q and the body)
    assert_close(b["D"] - a["D"], a["D"] - zero["D"])
    assert not torch.allclose(a["D"], zero["D"])
    assert not torch.allclose(a["G"], b["G"])
    c = run_infogan(lambda_info=1.0, lambda_continuous=0.0)
    assert not torch.allclose(a["G"], c["G"])


def test_infogan_bound_is_log_k_minus_the_cross_entropy():
    out = run_infogan()
    assert -1.0 < float(out["bound"]) <= math.log(10)  # near 0 for an untrained Q


def test_sample_codes_and_join_codes():
    gen = torch.Generator().manual_seed(0)
    c_cat, c_cont = steps.sample_codes(5000, 10, 3, generator=gen)
    assert c_cat.shape == (5000,) and c_cont.shape == (5000, 3)
    assert c_cat.min() == 0 and c_cat.max() == 9
    assert c_cont.min() >= -1 and c_cont.max() <= 1
    assert_close(c_cont.mean(0), torch.zeros(3), atol=0.05, rtol=0)
    z = torch.randn(2, 4)
    joined = steps.join_codes(z, torch.tensor([1, 0]), torch.ones(2, 3), 10)
    assert joined.shape == (2, 4 + 10 + 3)
    assert_close(joined[0, 4:14], torch.eye(10)[1])


def test_step_inputs_are_checked():
    G, D = cgan()
    step = steps.conditional_step(G, D, adam(G), adam(D))
    with pytest.raises(TypeError, match=r"labelled batches \(x_real, y_real\)"):
        step(labelled()[0])
    x, y = labelled()
    with pytest.raises(ValueError, match=r"in \[0, 9\]"):
        step((x, y + 10))
    with pytest.raises(ValueError, match="n_classes disagree"):
        steps.conditional_step(G, D, adam(G), adam(D), n_classes=7)
    G, D = infogan()
    with pytest.raises(ValueError, match="must hold the noise and the codes"):
        steps.infogan_step(G, D, adam(G), adam(D), 10, 6)
    with pytest.raises(ValueError, match="lambda_aux must be non-negative"):
        steps.acgan_step(*acgan(), adam(G), adam(D), lambda_aux=-1.0)
