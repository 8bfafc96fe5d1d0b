"""Conditional models: shapes, the label checks, projection's decomposition."""

import pytest
import torch
from torch.testing import assert_close

from gantutor.models import conditional, info

IMG = (1, 28, 28)


@pytest.mark.parametrize("body", ["mlp", "dcgan"])
@pytest.mark.parametrize("embedding", ["onehot", "learned"])
def test_conditional_pair_shapes(body, embedding):
    G = conditional.ConditionalGenerator(
        8, 10, IMG, embedding=embedding, body=body, hidden=16, width=8
    )
    D = conditional.ConcatDiscriminator(
        IMG, 10, embedding=embedding, body=body, hidden=16, width=8
    )
    y = torch.tensor([0, 3, 9])
    x = G(torch.randn(3, 8), y)
    assert x.shape == (3, *IMG) and x.abs().max() <= 1
    assert D(x, y).shape == (3,)


def test_flat_data_and_a_learned_code_of_its_own_size():
    G = conditional.ConditionalGenerator(
        2, 3, 2, embedding="learned", embed_dim=5, out="linear", hidden=16
    )
    assert G.code.dim == 5 and G(torch.randn(4, 2), torch.tensor([0, 1, 2, 0])).shape
    D = conditional.ConcatDiscriminator(2, 3, hidden=16)
    assert D(torch.randn(4, 2), torch.tensor([0, 1, 2, 2])).shape == (4,)
    with pytest.raises(ValueError, match="needs embedding='learned'"):
        conditional.LabelCode(3, "onehot", 5)


def test_the_label_changes_the_output():
    G = conditional.ConditionalGenerator(4, 10, IMG, hidden=16)
    z = torch.randn(1, 4).expand(2, 4)
    x = G(z, torch.tensor([1, 7]))
    assert not torch.allclose(x[0], x[1])
    D = conditional.ConcatDiscriminator(IMG, 10, body="dcgan", width=8, norm="none")
    d = D(x[:1].expand(2, -1, -1, -1), torch.tensor([1, 7]))
    assert not torch.allclose(d[0], d[1])


def test_one_hot_and_concatenated_planes():
    assert_close(
        conditional.one_hot(torch.tensor([2, 0]), 3),
        torch.tensor([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]),
    )
    # a DCGAN concat D sees C + n_classes input channels
    D = conditional.ConcatDiscriminator(IMG, 10, body="dcgan", width=8)
    assert D.net.net[0].in_channels == 1 + 10


@pytest.mark.parametrize(
    "y, error, match",
    [
        (None, ValueError, "needs the labels y"),
        (torch.tensor([0.0, 1.0]), ValueError, "integer class indices"),
        (torch.tensor([0, 10]), ValueError, r"in \[0, 9\].*from 0 to 10"),
        (torch.tensor([-1, 3]), ValueError, r"in \[0, 9\]"),
        (torch.tensor([[0], [1]]), ValueError, r"shape \(B,\) = \(2,\)"),
        (torch.tensor([0, 1, 2]), ValueError, r"shape \(B,\) = \(2,\)"),
        (torch.eye(10)[:2], ValueError, "argmax"),
        ([0, 1], TypeError, "must be a tensor"),
    ],
)
def test_label_errors_are_clear(y, error, match):
    models = [
        lambda: conditional.ConditionalGenerator(4, 10, IMG, hidden=8)(
            torch.randn(2, 4), y
        ),
        lambda: conditional.ConcatDiscriminator(IMG, 10, hidden=8)(
            torch.randn(2, *IMG), y
        ),
        lambda: conditional.ProjectionDiscriminator(IMG, 10, hidden=8)(
            torch.randn(2, *IMG), y
        ),
    ]
    for call in models:
        with pytest.raises(error, match=match):
            call()


def test_valid_labels_pass_the_check():
    conditional.check_labels(torch.tensor([0, 9], dtype=torch.int32), 10, 2, "t")
    conditional.check_labels(torch.tensor([], dtype=torch.long), 10, 0, "t")


def test_projection_logit_is_the_unconditional_part_plus_the_inner_product():
    D = conditional.ProjectionDiscriminator(3, 2, hidden=2, depth=1)
    with torch.no_grad():  # φ(x) = LeakyReLU(x W₀ᵀ), hand-set weights
        D.phi[1][0].weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 1.0]]))
        D.phi[1][0].bias.zero_()
        D.psi.weight.copy_(torch.tensor([[2.0, -1.0]]))
        D.psi.bias.fill_(0.5)
        D.embed.weight.copy_(torch.tensor([[1.0, 0.0], [0.0, 3.0]]))
    x = torch.tensor([[1.0, 2.0, 1.0], [2.0, -1.0, -1.0]])
    h = torch.tensor([[1.0, 3.0], [2.0, -0.4]])  # LeakyReLU(0.2) of (1, 3), (2, −2)
    assert_close(D.features(x), h)
    psi = torch.tensor([2 * 1 - 3 + 0.5, 2 * 2 + 0.4 + 0.5])
    assert_close(D.unconditional(h), psi)
    y = torch.tensor([1, 0])
    inner = torch.tensor([3 * 3.0, 1 * 2.0])  # ⟨v_y, φ(x)⟩
    assert_close(D.projection(h, y), inner)
    assert_close(D(x, y), psi + inner)
    # the label moves the logit by the difference of the inner products only
    assert_close(D(x, 1 - y) - D(x, y), torch.tensor([1.0 - 9.0, -1.2 - 2.0]))


def test_projection_with_a_dcgan_body():
    D = conditional.ProjectionDiscriminator(IMG, 10, body="dcgan", width=8)
    x, y = torch.randn(3, *IMG), torch.tensor([1, 2, 3])
    h = D.features(x)
    assert h.shape == (3, 16 * 7 * 7) and D.embed.weight.shape == (10, 16 * 7 * 7)
    assert_close(D(x, y), D.unconditional(h) + D.projection(h, y))


def test_auxiliary_discriminator_returns_logits_of_two_heads():
    D = conditional.AuxiliaryDiscriminator(IMG, 10, body="dcgan", width=8)
    d, c = D(torch.randn(4, *IMG))
    assert d.shape == (4,) and c.shape == (4, 10)
    assert not torch.allclose(c.sum(1), torch.ones(4))  # not a softmax output
    assert not any(isinstance(m, torch.nn.Softmax) for m in D.modules())


@pytest.mark.parametrize("learn_std", [False, True])
def test_infogan_discriminator_shares_the_body(learn_std):
    D = info.InfoGANDiscriminator(IMG, 10, 2, hidden=16, learn_std=learn_std)
    d, q = D(torch.randn(5, *IMG))
    assert d.shape == (5,) and q.logits.shape == (5, 10) and q.mean.shape == (5, 2)
    assert (q.log_std is not None) == learn_std
    # both heads read the same φ: one body, no second feature network
    assert sum(isinstance(m, torch.nn.Flatten) for m in D.modules()) == 1


def test_code_sizes_are_checked():
    for n_cat, n_cont, match in [(1, 2, "one value"), (0, 0, "needs a code")]:
        with pytest.raises(ValueError, match=match):
            info.check_codes(n_cat, n_cont)
    with pytest.raises(ValueError, match="non-negative integer"):
        info.QHead(8, 10, -1)


def test_encoder_has_two_separate_networks():
    E = info.Encoder(IMG, latent_dim=8, n_classes=10, hidden=16)
    z, logits = E(torch.randn(3, *IMG))
    assert z.shape == (3, 8) and logits.shape == (3, 10)
    shared = {id(p) for p in E.E_z.parameters()} & {id(p) for p in E.E_y.parameters()}
    assert not shared


def test_constructor_arguments_are_validated():
    with pytest.raises(ValueError, match="body must be one of"):
        conditional.ProjectionDiscriminator(IMG, 10, body="resnet")
    with pytest.raises(ValueError, match=r"square images \(C, S, S\)"):
        conditional.ConditionalGenerator(4, 10, 784, body="dcgan")
    with pytest.raises(ValueError, match="embedding must be one of"):
        conditional.ConditionalGenerator(4, 10, IMG, embedding="bag")
    with pytest.raises(ValueError, match="n_classes must be a positive integer"):
        conditional.AuxiliaryDiscriminator(IMG, 0)
    with pytest.raises(ValueError, match=r"expects inputs of shape \(B, 1, 28, 28\)"):
        conditional.AuxiliaryDiscriminator(IMG, 10)(torch.randn(2, 3, 28, 28))


def test_with_labels_is_g_with_fixed_labels():
    G = conditional.ConditionalGenerator(4, 10, IMG, hidden=16)
    y = torch.tensor([3, 3, 7])
    G_y = conditional.WithLabels(G, y)
    z = torch.randn(3, 4)
    assert G_y.latent_dim == 4
    assert_close(G_y(z), G(z, y))
    y[0] = 9  # the wrapper keeps its own copy
    assert_close(G_y(z), G(z, torch.tensor([3, 3, 7])))
    with pytest.raises(ValueError, match="holds 3 labels; got 2"):
        G_y(z[:2])
    with pytest.raises(ValueError, match=r"in \[0, 9\]"):
        conditional.WithLabels(G, torch.tensor([10]))
