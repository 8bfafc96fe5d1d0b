"""A small MNIST classifier: the judge of samples and FID (mnist-cnn)'s features."""

from __future__ import annotations

from torch import Tensor, nn

from gantutor.models.layers import check_input, positive


class Classifier(nn.Module):
    """A small CNN for (B, channels, 28, 28) images -> class logits (B, n_classes)."""

    def __init__(self, n_classes: int = 10, channels: int = 1, width: int = 16):
        super().__init__()
        for name, value in [
            ("n_classes", n_classes),
            ("channels", channels),
            ("width", width),
        ]:
            positive(name, value)
        self.in_shape = (channels, 28, 28)
        self.net = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 14
            nn.Conv2d(width, 2 * width, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),  # 7
            nn.Flatten(),
            nn.Linear(2 * width * 49, 64),
            nn.ReLU(),
            nn.Linear(64, n_classes),
        )

    def forward(self, x: Tensor) -> Tensor:
        check_input(x, self.in_shape, type(self).__name__)
        return self.net(x)  # (B, n_classes)
