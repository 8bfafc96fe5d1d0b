"""DCGAN's five architecture rules as switches, and the layers each choice builds.

Radford, Metz & Chintala 2015 (arXiv:1511.06434, section 3) list the guidelines
that made their convolutional GANs train:

1. ``strided``: strided convolutions in D and fractionally strided (transposed)
   ones in G instead of pooling and upsampling;
2. ``batchnorm``: BatchNorm in G and D (not on G's output nor D's input);
3. ``no_fc``: no fully connected hidden layers;
4. ``leaky_d``: ReLU in G and LeakyReLU(0.2) in D;
5. ``tanh``: a ``tanh`` output in G.

:class:`DCGANRules` holds one switch per rule (all ``True`` is DCGAN);
:func:`ablations` lists DCGAN and the five networks with one rule removed. What
"removed" builds:

- ``strided=False``: D uses 3×3 stride-1 convolutions each followed by a 2×2
  average pooling (after the activation); G a nearest-neighbour ×2 upsampling
  followed by a 3×3 stride-1 convolution;
- ``batchnorm=False``: no normalisation anywhere; the convolutions get biases;
- ``no_fc=False``: one fully connected hidden layer of ``8 × width`` units between
  z and G's first map, and between D's last map and its logit;
- ``leaky_d=False``: plain ReLU in D too, i.e. ReLU everywhere (G's ReLU is what
  a CNN uses by default; the rule's content is D's leak);
- ``tanh=False``: G's last convolution is its output, unbounded.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from torch import nn

FC_SCALE = 8  # units of a fully connected hidden layer, per unit of width


@dataclass(frozen=True)
class DCGANRules:
    """Which of DCGAN's architecture rules a network follows (all True: DCGAN)."""

    strided: bool = True  # strided convolutions, no pooling or upsampling layers
    batchnorm: bool = True  # BatchNorm in G and D
    no_fc: bool = True  # no fully connected hidden layers
    leaky_d: bool = True  # ReLU in G, LeakyReLU(0.2) in D (False: ReLU in both)
    tanh: bool = True  # tanh on G's output

    def __post_init__(self) -> None:
        for f in fields(self):
            if not isinstance(getattr(self, f.name), bool):
                raise ValueError(
                    f"DCGANRules.{f.name} must be True or False, "
                    f"got {getattr(self, f.name)!r}"
                )

    def without(self, rule: str) -> DCGANRules:
        """These rules with ``rule`` (a field name) switched off."""
        if rule not in RULES:
            raise ValueError(f"unknown rule {rule!r}; known: {', '.join(RULES)}")
        return replace(self, **{rule: False})

    @property
    def removed(self) -> tuple[str, ...]:
        """The names of the rules switched off."""
        return tuple(f.name for f in fields(self) if not getattr(self, f.name))


ALL_RULES = DCGANRules()  # the paper's network

# Each rule, and the short name of the network that lacks it.
RULES = {
    "strided": "pooling + upsampling",
    "batchnorm": "no BatchNorm",
    "no_fc": "FC hidden layers",
    "leaky_d": "ReLU in D",
    "tanh": "no tanh",
}


def ablations() -> dict[str, DCGANRules]:
    """DCGAN, then each network with one rule removed, by short name."""
    return {"DCGAN": ALL_RULES} | {
        name: ALL_RULES.without(rule) for rule, name in RULES.items()
    }


def check_rules(rules: DCGANRules) -> DCGANRules:
    """``rules`` itself, or a ``ValueError`` if it is not a :class:`DCGANRules`."""
    if not isinstance(rules, DCGANRules):
        raise ValueError(
            f"rules must be a DCGANRules, got {type(rules).__name__}; "
            "e.g. DCGANRules(batchnorm=False)"
        )
    return rules


def d_activation(rules: DCGANRules) -> nn.Module:
    """D's activation: LeakyReLU(0.2) under the rule, else ReLU."""
    return nn.LeakyReLU(0.2) if rules.leaky_d else nn.ReLU()


def up(c_in: int, c_out: int, rules: DCGANRules, bias: bool) -> list[nn.Module]:
    """Double the size: a 4×4 stride-2 transposed convolution, or upsample + 3×3."""
    if rules.strided:
        return [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=bias)]
    return [
        nn.Upsample(scale_factor=2, mode="nearest"),
        nn.Conv2d(c_in, c_out, 3, 1, 1, bias=bias),
    ]


def down_conv(c_in: int, c_out: int, rules: DCGANRules, bias: bool) -> nn.Conv2d:
    """D's convolution: 4×4 stride 2 (it halves the size), or 3×3 stride 1."""
    if rules.strided:
        return nn.Conv2d(c_in, c_out, 4, 2, 1, bias=bias)
    return nn.Conv2d(c_in, c_out, 3, 1, 1, bias=bias)


def pool(rules: DCGANRules) -> list[nn.Module]:
    """The 2×2 average pooling that halves the size when convolutions do not."""
    return [] if rules.strided else [nn.AvgPool2d(2)]
