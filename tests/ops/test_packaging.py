"""The wheel and the sdist build, and the installed wheel runs ``mailbot demo`` on its own data.

The fresh virtual environment gets only the wheel; its dependencies come from the running
environment through a .pth line (so no index is needed and the test stays fast). A .pth
*line* does not run that folder's own .pth files, so an editable install of this checkout
there cannot leak in: the test asserts mailbot, parsers, outbound and store, and the config
folder, are all imported from the new environment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("mailbot", "parsers", "outbound", "store")


def _run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_wheel_and_sdist_build_and_the_wheel_runs_the_demo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "--no-build-isolation",
         "-q", "-w", dist, cwd=ROOT)  # fmt: skip
    _run(sys.executable, "-m", "hatchling", "build", "-t", "sdist", "-d", dist, cwd=ROOT)
    [wheel] = dist.glob("mailbot-*.whl")
    [sdist] = dist.glob("mailbot-*.tar.gz")

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "mailbot/_config/templates/forward.txt.j2" in names
    assert "mailbot/_config/risk_rules.toml" in names
    assert "mailbot/ops/health.py" in names
    assert not any(n.startswith(("config/", "tests/")) for n in names)  # no top-level 'config'
    with tarfile.open(sdist) as tar:
        members = {m.name.split("/", 1)[1] for m in tar.getmembers() if "/" in m.name}
    assert {"pyproject.toml", "mailbot/cli.py", "config/templates/forward.txt.j2"} <= members

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site = _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                cwd=tmp_path).strip()  # fmt: skip
    Path(site, "_mailbot_test_deps.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    _run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
         "-q", wheel, cwd=tmp_path)  # fmt: skip

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "MAILBOT_"))}
    where = _run(python, "-c",
                 "import mailbot, parsers, outbound, store, mailbot.resources as r;"
                 "print(mailbot.__file__, parsers.__file__, outbound.__file__, store.__file__,"
                 " r.config_dir())", cwd=tmp_path, env=env).split()  # fmt: skip
    assert all(path.startswith(site) for path in where), where
    assert where[-1].endswith("mailbot/_config")

    out = _run(venv / "bin" / "mailbot", "demo", "--dir", tmp_path / "demo", cwd=tmp_path, env=env)
    assert "forwarded" in out and "emails sent" in out
    assert list((tmp_path / "demo" / "var" / "outbox" / "new").iterdir())
