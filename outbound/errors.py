"""The root of everything ``outbound`` raises on purpose (it must not import mailbot)."""

from __future__ import annotations


class OutboundError(Exception):
    """A template, form or composition problem; the message names the file or value at fault."""
