"""Root pytest configuration: applies to unit tests and to notebooks run by nbmake."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent / "tools"))

import nbpoll  # noqa: E402

nbpoll.install()  # a lost ZMQ wake-up must not stall a notebook cell (tools/nbpoll.py)
