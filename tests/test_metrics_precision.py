"""The extractor's arithmetic: fp32, tf32, bf16; the caller's settings untouched."""

import pytest
import torch

from gantutor import metrics
from gantutor.metrics import precision

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")


@pytest.fixture(scope="module")
def digits():
    torch.manual_seed(0)
    return torch.rand(64, 1, 28, 28) * 2 - 1


def feats(x, setting, device="cpu"):
    return metrics.features(
        x, "mnist-cnn", "[-1,1]", 32, device, progress=False, precision=setting
    )


def test_unknown_precision_names_the_known_ones(digits):
    with pytest.raises(ValueError, match=r"'fp32', 'tf32', 'bf16'.*'fp16'"):
        feats(digits, "fp16")


def test_defaults_are_fp32_on_the_cpu_and_tf32_on_cuda():
    assert precision.default_precision("cpu") == "fp32"
    assert precision.default_precision("cuda") == "tf32"
    assert precision.check_precision(None, "cpu") == "fp32"


def test_cpu_settings_agree_and_features_come_back_in_float32(digits):
    f32, tf32, bf16 = (feats(digits, s) for s in ("fp32", "tf32", "bf16"))
    assert torch.equal(f32, tf32)  # TF32 does not exist on the CPU
    assert bf16.dtype == torch.float32 and not torch.equal(f32, bf16)
    rel = (bf16 - f32).norm() / f32.norm()
    assert rel < 2e-2  # bf16 keeps ~3 significant digits


def test_the_callers_flags_and_autocast_are_untouched_between_batches(digits):
    matmul, conv = torch.backends.cuda.matmul, torch.backends.cudnn.conv
    saved = matmul.fp32_precision, conv.fp32_precision
    matmul.fp32_precision, conv.fp32_precision = "tf32", "ieee"
    try:
        for _ in metrics.iter_features(
            digits, "mnist-cnn", "[-1,1]", 16, "cpu", progress=False, precision="bf16"
        ):
            assert not torch.is_autocast_enabled("cpu")  # the caller's code here
            assert (matmul.fp32_precision, conv.fp32_precision) == ("tf32", "ieee")
    finally:
        matmul.fp32_precision, conv.fp32_precision = saved


@pytest.mark.cuda
@needs_cuda
def test_cuda_settings_shift_features_little_and_restore_the_layout(digits):
    ex = metrics.extractor("mnist-cnn", "cuda")
    f32 = feats(digits, "fp32", "cuda")
    for setting, tol in (("tf32", 5e-3), ("bf16", 2e-2)):
        f = feats(digits, setting, "cuda")
        assert ((f - f32).norm() / f32.norm()) < tol, setting
    conv = next(p for p in ex.parameters() if p.ndim == 4)
    assert conv.is_contiguous()  # channels_last only while bf16 features ran
    cpu = feats(digits, "fp32", "cpu")
    assert torch.allclose(f32, cpu, rtol=1e-4, atol=1e-4)
