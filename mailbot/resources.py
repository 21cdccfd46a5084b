"""Where the data files of config/ are: inside the installed wheel, or in the checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGED = Path(__file__).parent / "_config"
_CHECKOUT = Path(__file__).parent.parent / "config"


@cache
def config_dir() -> Path:
    """The folder holding templates, rules, nicknames, labels and policy profiles."""
    for candidate in (_PACKAGED, _CHECKOUT):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("mailbot's config/ folder is missing from this installation")


def config_text(name: str) -> str:
    return (config_dir() / name).read_text(encoding="utf-8")
