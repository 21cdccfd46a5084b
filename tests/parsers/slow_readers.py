"""Readers that misbehave on purpose, run in the isolated worker by the limits tests."""

from __future__ import annotations

import time

from parsers.document import DocText


def sleepy(seconds: float) -> DocText:
    time.sleep(seconds)
    return DocText(blocks=("done",))


def hungry(megabytes: int) -> DocText:
    hoard = bytearray(megabytes * 1024 * 1024)
    return DocText(blocks=(str(len(hoard)),))
