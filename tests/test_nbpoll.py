"""The sliced wait in tools/nbpoll.py bounds the cost of a lost ZMQ wake-up."""

import asyncio
import sys
import time
from pathlib import Path
from queue import Empty

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "tools"))
import nbpoll  # noqa: E402


class LostWakeup:
    """A channel whose reply arrives at ``arrival`` s but never signals the poller.

    Like pyzmq's poller after a lost edge, a wait only sees the reply when its
    own timeout expires and it checks the socket.
    """

    def __init__(self, arrival: float | None):
        self.arrival = None if arrival is None else time.monotonic() + arrival

    async def get_msg(self, timeout=None):
        await asyncio.sleep(timeout)
        if self.arrival is not None and time.monotonic() >= self.arrival:
            return {"msg": "reply"}
        raise Empty


def run(channel, get_msg, timeout):
    start = time.monotonic()
    result = asyncio.run(get_msg(channel, timeout=timeout))
    return result, time.monotonic() - start


def test_unpatched_wait_sleeps_the_whole_timeout():
    channel = LostWakeup(arrival=0.05)
    result, took = run(channel, LostWakeup.get_msg, timeout=1.5)
    assert result == {"msg": "reply"} and took >= 1.5


def test_sliced_wait_returns_within_one_slice():
    channel = LostWakeup(arrival=0.05)
    result, took = run(channel, nbpoll.sliced(LostWakeup.get_msg), timeout=1.5)
    assert result == {"msg": "reply"} and took < 2 * nbpoll.SLICE + 0.2


def test_sliced_wait_keeps_the_timeout():
    channel = LostWakeup(arrival=None)
    with pytest.raises(Empty):
        run(channel, nbpoll.sliced(LostWakeup.get_msg), timeout=0.6)


def test_install_patches_the_kernel_client_once():
    from jupyter_client.channels import AsyncZMQSocketChannel

    nbpoll.install()
    patched = AsyncZMQSocketChannel.get_msg
    nbpoll.install()
    assert AsyncZMQSocketChannel.get_msg is patched
    assert hasattr(patched, "__wrapped__")
