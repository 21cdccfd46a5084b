"""Settings: file, environment overrides, secrets, and one clear line for a bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mailbot.errors import ConfigError
from mailbot.settings import load


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[database]\nurl = "sqlite:///a.db"\n[outbound]\nport = 25\n')
    s = load(
        path,
        {"MAILBOT_DATABASE_URL": "sqlite:///b.db", "MAILBOT_FORWARDING_ACKNOWLEDGE_SENDERS": "no"},
    )
    assert s.database.url == "sqlite:///b.db"
    assert s.outbound.port == 25
    assert s.forwarding.acknowledge_senders is False


def test_secrets_are_refused_in_the_file_and_read_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[mailbox]\npassword = "hunter2"\n')
    with pytest.raises(ConfigError, match=r"\[mailbox\] password: secrets are not read"):
        load(path, {})
    secret = tmp_path / "pw"
    secret.write_text("s3cret\n")
    path.write_text(f'[mailbox]\npassword_file = "{secret}"\n')
    assert load(path, {}).secret("mailbox", "password") == "s3cret"
    assert (
        load(path, {"MAILBOT_MAILBOX_PASSWORD": "fromenv"}).secret("mailbox", "password")
        == "fromenv"
    )


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ('[mailbox]\nkind = "pop3"\n', {}, "[mailbox] kind: 'pop3' is not maildir"),
        ('[outbound]\nport = "x"\n', {}, "[outbound] port: invalid value"),
        ("[nonsense]\na = 1\n", {}, "unknown section [nonsense]"),
        ("[database]\nuri = 'x'\n", {}, "[database] uri: unknown setting"),
        ("", {"MAILBOT_SCHEDULE_WORKING_HOURS_START": "25:00"}, "working_hours_start: use HH:MM"),
        ("", {"MAILBOT_OUTBOUND_PORT": "abc"}, "environment MAILBOT_OUTBOUND_PORT: invalid value"),
    ],
)
def test_a_bad_value_names_the_key_and_where_it_came_from(
    tmp_path: Path, text: str, env: dict[str, str], expected: str
) -> None:
    path = tmp_path / "m.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load(path, env)
    assert expected in str(info.value)


def test_the_command_stops_with_one_line_and_status_2(tmp_path: Path) -> None:
    path = tmp_path / "m.toml"
    path.write_text('[mailbox]\nkind = "pop3"\n')
    out = subprocess.run(
        [sys.executable, "-m", "mailbot.cli", "--config", str(path), "exceptions", "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.strip().count("\n") == 0 and "pop3" in out.stderr
