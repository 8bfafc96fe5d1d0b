"""Widgets: explorers that redraw a figure when a control moves (drawing only).

Every explorer is a :class:`~gantutor.widgets.base.Explorer`: an ``ipywidgets.VBox``
of controls and an ``ipywidgets.Image`` that ``draw(*values) -> Figure`` fills,
once when it is built (so the built book shows it without a kernel) and again
when a control moves. What they draw is computed beforehand by the chapter, with
:mod:`gantutor.labs`, :mod:`gantutor.metrics` or a training run. One module per
topic: ``training`` (snapshots of a run, the MSE explorer), ``runs`` (runs side
by side), ``dirac``, ``divergence_landscape``, ``weight_landscape``,
``gradients``, ``weights``, ``metrics``, ``conditional`` (classes over fixed
noise), ``editing`` (IcGAN's edits), ``info`` (InfoGAN's traversals), ``translation``
(round trips of unpaired translation runs).
"""

from gantutor.widgets.attention import AttentionExplorer
from gantutor.widgets.base import Explorer
from gantutor.widgets.collapse import MapExplorer
from gantutor.widgets.comparison import ComparisonExplorer
from gantutor.widgets.conditional import ClassGridExplorer
from gantutor.widgets.dirac import DiracExplorer
from gantutor.widgets.divergence_landscape import DivergenceLandscape, FGANFits
from gantutor.widgets.editing import EditExplorer
from gantutor.widgets.gradients import NormExplorer
from gantutor.widgets.info import TraversalExplorer
from gantutor.widgets.metrics import (
    InceptionScoreExplorer,
    ModeDroppingExplorer,
    SampleSizeExplorer,
)
from gantutor.widgets.pyramid import PyramidExplorer
from gantutor.widgets.runs import BEGANRunsExplorer, RunsExplorer
from gantutor.widgets.training import MSEExplorer, SnapshotSlider, TrainingExplorer
from gantutor.widgets.translation import TranslationExplorer
from gantutor.widgets.truncation import TruncationExplorer
from gantutor.widgets.weight_landscape import LandscapeExplorer
from gantutor.widgets.weights import WeightHistograms

__all__ = [
    "AttentionExplorer",
    "PyramidExplorer",
    "BEGANRunsExplorer",
    "ClassGridExplorer",
    "ComparisonExplorer",
    "DiracExplorer",
    "DivergenceLandscape",
    "EditExplorer",
    "Explorer",
    "FGANFits",
    "InceptionScoreExplorer",
    "LandscapeExplorer",
    "MapExplorer",
    "MSEExplorer",
    "ModeDroppingExplorer",
    "NormExplorer",
    "RunsExplorer",
    "SampleSizeExplorer",
    "SnapshotSlider",
    "TrainingExplorer",
    "TranslationExplorer",
    "TraversalExplorer",
    "TruncationExplorer",
    "WeightHistograms",
]
