"""Shared fixtures: a quiet CPU setting and a fixed seed for every test."""

import matplotlib
import pytest
import torch

matplotlib.use("Agg")  # tests draw figures off screen; notebooks are not affected


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
    yield
