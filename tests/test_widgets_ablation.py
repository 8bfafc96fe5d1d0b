import pytest
import torch

from gantutor import models, viz
from gantutor.labs import ablation as lab
from gantutor.train.history import History
from gantutor.widgets.ablation import AblationExplorer, architecture_figure


def history(scale: float) -> History:
    h = History()
    h.append(1, {"D": [scale * v for v in (1.0, 0.8, 0.7)], "G": [2.0, 2.5, 3.0]})
    return h


def test_moving_the_variant_changes_the_png():
    torch.manual_seed(0)
    samples = {"DCGAN": torch.rand(12, 1, 28, 28) * 2 - 1,
               "no tanh": -torch.ones(12, 1, 28, 28)}  # fmt: skip
    ex = AblationExplorer(samples, {"DCGAN": history(1), "no tanh": history(2)},
                          notes={"DCGAN": "FID 10"})  # fmt: skip
    first = ex.image.value
    assert first and ex.setting == ("DCGAN",)
    ex.variant.value = "no tanh"
    assert ex.image.value != first
    ex.variant.value = "DCGAN"
    assert ex.image.value == first  # a drawing depends only on the control


def test_explorer_refuses_a_variant_without_history():
    with pytest.raises(ValueError, match=r"no history for the variants \['x'\]"):
        AblationExplorer({"x": torch.zeros(4, 1, 28, 28)}, {})
    with pytest.raises(ValueError, match="at least one variant"):
        AblationExplorer({}, {})


def test_architecture_figure_draws_one_row_per_variant():
    tables = {}
    for name, rules in models.ablations().items():
        G = models.DCGANGenerator(8, 28, 1, 4, rules=rules).eval()
        D = models.DCGANDiscriminator(28, 1, 4, rules=rules).eval()
        tables[name] = (lab.layers(G, torch.randn(2, 8)),
                        lab.layers(D, torch.zeros(2, 1, 28, 28)))  # fmt: skip
    fig = architecture_figure(tables)
    left, right = fig.axes
    labels = [t.get_text() for t in left.texts]
    assert labels.count("tanh") == 5 and "up\n×2" in labels and "FC" in labels
    assert [t.get_text() for t in right.texts].count("pool\n2×2") == 2
    assert viz.to_png(fig)
    with pytest.raises(ValueError, match="at least one variant"):
        architecture_figure({})
