"""Make notebook execution immune to a lost ZMQ wake-up (nbmake and the book build).

The symptom: in notebooks with widgets, a cell now and then waits exactly its
whole timeout and then passes. The cause is in how the kernel client waits for a
reply. ``AsyncZMQSocketChannel.get_msg(timeout)`` awaits ``socket.poll(timeout)``;
pyzmq's asyncio poller waits until the socket's file descriptor *signals* or the
timeout fires, and only then checks the socket with a zero-timeout poll. ZMQ's
descriptor is edge-triggered: when an edge is consumed elsewhere (a send or a
receive on the same socket while the reply arrives), no further signal comes, so
the waiting call sleeps the full timeout, then finds the reply already there.

The fix bounds that sleep: wait for the reply in slices of ``SLICE`` seconds, each
ending with pyzmq's own level check of the socket. A lost wake-up then costs at
most one slice instead of the cell's timeout; the overall timeout is unchanged.

``install()`` patches the class once; ``conftest.py`` calls it for nbmake, and the
Sphinx extension entry point ``setup`` calls it for ``jupyter-book build``.
"""

from __future__ import annotations

import time
from queue import Empty

SLICE = 0.25  # seconds


def sliced(get_msg):
    """Wrap an async ``get_msg(self, timeout)`` so that it re-checks every SLICE s."""

    async def get_msg_sliced(self, timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            wait = SLICE if remaining is None else max(0.0, min(SLICE, remaining))
            try:
                return await get_msg(self, timeout=wait)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    get_msg_sliced.__wrapped__ = get_msg
    return get_msg_sliced


def install() -> None:
    """Patch ``AsyncZMQSocketChannel.get_msg`` (idempotent)."""
    from jupyter_client.channels import AsyncZMQSocketChannel

    if not hasattr(AsyncZMQSocketChannel.get_msg, "__wrapped__"):
        AsyncZMQSocketChannel.get_msg = sliced(AsyncZMQSocketChannel.get_msg)


def setup(app):  # Sphinx extension: jupyter-book executes notebooks in-process
    install()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
