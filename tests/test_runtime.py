import warnings

import pytest
import torch

import gantutor as gt
from gantutor import runtime


@pytest.mark.parametrize("name", ["smoke", "cpu", "gpu"])
def test_profile_read_from_environment(monkeypatch, name):
    monkeypatch.setenv("GANTUTOR_PROFILE", name)
    assert gt.profile() == name
    assert (
        gt.per_profile(smoke=1, cpu=2, gpu=3) == {"smoke": 1, "cpu": 2, "gpu": 3}[name]
    )


def test_default_profile_follows_cuda(monkeypatch):
    monkeypatch.delenv("GANTUTOR_PROFILE", raising=False)
    assert gt.profile() == ("gpu" if torch.cuda.is_available() else "cpu")


def test_unknown_profile_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("GANTUTOR_PROFILE", "fast")
    with pytest.raises(ValueError, match="smoke, cpu, gpu"):
        gt.profile()


def test_seed_makes_draws_repeat():
    gt.seed(3)
    a = torch.randn(5)
    gt.seed(3)
    torch.testing.assert_close(torch.randn(5), a)
    with pytest.raises(ValueError):
        gt.seed(-1)


def test_setup_prints_profile_and_device(monkeypatch, capsys):
    monkeypatch.setenv("GANTUTOR_PROFILE", "smoke")
    monkeypatch.setenv("GANTUTOR_DEVICE", "cpu")
    assert gt.setup(0) == torch.device("cpu")
    assert "profile smoke" in capsys.readouterr().out


def test_build_info_says_what_the_numbers_depend_on(monkeypatch, capsys):
    monkeypatch.setenv("GANTUTOR_PROFILE", "smoke")
    monkeypatch.delenv("GANTUTOR_DEVICE", raising=False)
    info = gt.runtime.build_info()
    assert info["profile"] == "smoke" and info["torch"] == torch.__version__
    assert info["gantutor"] == gt.__version__
    assert info["threads"] == str(torch.get_num_threads())
    expected = "cuda" if torch.cuda.is_available() else "cpu (CPU)"
    assert info["device"].startswith(expected)
    gt.setup(3)  # the chapters' first line says the same
    out = capsys.readouterr().out
    assert f"profile smoke · device {info['device']}" in out and "seed 3" in out


@pytest.mark.parametrize("on, value", [(True, "tf32"), (False, "ieee")])
def test_tf32_sets_the_new_precision_settings_and_restores_them(on, value):
    matmul, conv = torch.backends.cuda.matmul, torch.backends.cudnn.conv
    before = matmul.fp32_precision, conv.fp32_precision
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the deprecated allow_tf32 flags would warn
        with runtime.tf32(on):
            assert (matmul.fp32_precision, conv.fp32_precision) == (value, value)
    assert (matmul.fp32_precision, conv.fp32_precision) == before


def test_tf32_restores_the_settings_when_the_block_raises():
    before = torch.backends.cuda.matmul.fp32_precision
    with pytest.raises(KeyError), runtime.tf32(True):
        raise KeyError("inside")
    assert torch.backends.cuda.matmul.fp32_precision == before
