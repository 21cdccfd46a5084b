"""``mailbot config show``: the effective settings as TOML, secrets masked, each value's source.

Secrets (``SECRET_KEYS``) show as ``"****"`` when set and ``""`` when not; their
``*_file`` paths are shown (a path is not the secret). A password inside a URL (the
database URL) is masked too. Each line ends with a comment naming where the value came
from: the built-in default, the settings file, or an environment variable.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from mailbot.settings import SECRET_KEYS, SECTIONS, Settings

MASK = "****"
_URL_PASSWORD = re.compile(r"^([a-z][a-z0-9+.-]*://[^/\s:@]+:)([^@\s/]+)(@)", re.IGNORECASE)


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a TOML basic string


def masked(section: str, key: str, value: Any) -> Any:
    if key in SECRET_KEYS:
        return MASK if value else ""
    if isinstance(value, str):
        return _URL_PASSWORD.sub(rf"\1{MASK}\3", value)
    return value


def origin(
    settings: Settings,
    section: str,
    key: str,
    file_data: Mapping[str, Any],
    env: Mapping[str, str],
) -> str:
    var = f"MAILBOT_{section.upper()}_{key.upper()}"
    if var in env:
        return f"environment {var}"
    given = file_data.get(section)
    if isinstance(given, Mapping) and key in given:
        return settings.source
    return "default"


def show_settings(
    settings: Settings,
    file_data: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
) -> str:
    """The settings as TOML with secrets masked, each line commented with its source."""
    file_data = file_data or {}
    env = env or {}
    lines = [f"# mailbot settings: defaults, then {settings.source}, then MAILBOT_* variables"]
    for section in SECTIONS:
        lines += ["", f"[{section}]"]
        sect = getattr(settings, section)
        rows = []
        for f in fields(sect):
            text = f"{f.name} = {_toml(masked(section, f.name, getattr(sect, f.name)))}"
            rows.append((text, origin(settings, section, f.name, file_data, env)))
        width = min(max(len(t) for t, _ in rows), 60)
        lines += [f"{t.ljust(width)}  # {o}" for t, o in rows]
    return "\n".join(lines) + "\n"
