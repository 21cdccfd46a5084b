"""The exception tree: everything mailbot raises on purpose is a MailbotError."""

from __future__ import annotations


class MailbotError(Exception):
    """Root of mailbot's own errors."""


class ConfigError(MailbotError):
    """A setting is missing or invalid; the message names the key and where it came from."""


class UsageError(MailbotError):
    """A user's mistake on the command line (bad file, unknown ID)."""


class ImportRowError(MailbotError):
    """A tracker row is invalid; names the row number, column and value."""


class MailboxError(MailbotError):
    """A mailbox could not be reached or read."""
