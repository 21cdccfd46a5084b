"""End-to-end benchmark against the real servers: Dovecot IMAP in, an SMTP receiver out.

    python -m benchmarks.e2e [--records 2000] [--trickle 60] [--backlog 10000] [--mix readers]

Needs Dovecot on loopback (scripts/servers/start-dovecot.sh; MAILTEST_IMAP_PORT, default
10143). Prints, measured in the same run:
  throughput   records/s of the daemon (``mailbot run``, started once the batch is APPENDed;
               timed from its health endpoint answering to the last forward received)
  floor        records/s of the same messages read by the same parsing code with no I/O
The mix: ``readers`` (default) has the reader benchmark's formats in its proportions (body
emails 200 : Word 40 : typed PDF 40 : fillable PDF 40 : scanned image 8); ``light`` leaves the
scans out (7 formats in equal shares), so the fixed cost per message weighs most.
  latency      p50/p95 from APPEND to the forward received, under a steady trickle (IDLE)
  backlog      peak RSS and time of ``mailbot run --once`` over a large backlog
Last line: e2e_vs_floor=<ratio> p95_latency_s=<s> backlog_rss_mb=<n>
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller
from imapclient import IMAPClient

import parsers
from mailbot.app import build, read_options
from mailbot.demo_data import samples
from mailbot.registry import import_tracker
from mailbot.settings import load
from tests.conftest import write_settings
from tests.core.helpers import write_tracker

LIGHT = (
    "01-plain-body.eml", "02-html-body.eml", "03-docx-form.eml", "04-typed-pdf.eml",
    "05-fillable-pdf.eml", "09-forward.eml", "19-negated.eml",
)  # fmt: skip
BODIES = ("01-plain-body.eml", "02-html-body.eml", "09-forward.eml", "19-negated.eml")
# 41 records in the reader benchmark's proportions: 25 bodies, 5 + 5 + 5 documents, 1 scan.
READERS = (
    *(BODIES * 7)[:25],
    *("03-docx-form.eml", "04-typed-pdf.eml", "05-fillable-pdf.eml") * 5,
    "scan.eml",
)
MIXES = {"readers": READERS, "light": LIGHT}
PORT = int(os.environ.get("MAILTEST_IMAP_PORT", "10143"))


class Receiver:
    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        content: bytes = getattr(envelope, "content", b"")
        now = time.monotonic()
        with self.lock:
            if b"X-Mailbot-Kind: forward" in content:
                self.count += 1
                for token in _tokens(content):
                    self.arrived.setdefault(token, now)
        return "250 OK"


def _tokens(content: bytes) -> list[str]:
    out = []
    start = 0
    while (i := content.find(b"TRICK", start)) >= 0:
        out.append(content[i : i + 17].decode("ascii", "replace"))
        start = i + 17
    return out


def scanned_record() -> bytes:
    """The plain-body demo record, printed and scanned: a PNG attachment, read by OCR."""
    from tests.parsers.builders import email_bytes, text_image

    lines = [
        "Record of visit", "Child's name: Thomas Hartley", "Date of birth: 12/03/2014",
        "Date of visit: 18/11/2026", "Was the child seen? Yes", "Seen alone? Yes",
        "Observations: Thomas was cheerful. No concerns raised.",
    ]  # fmt: skip
    return email_bytes(
        "Scan of the record attached.",
        sender="Jenny Cole <jenny.cole@health.example.nhs.uk>",
        attachments=[("scan.png", "image/png", text_image(lines))],
        message_id="<demo-scan@partners.example.org>",
    )


def records(n: int, formats: tuple[str, ...] = LIGHT) -> list[tuple[str, bytes]]:
    """n records in the given formats, each with its own Message-ID and a trace token."""
    by_name = {s.name: s.raw for s in samples()}
    if "scan.eml" in formats:
        by_name["scan.eml"] = scanned_record()
    out = []
    for i in range(n):
        raw = by_name[formats[i % len(formats)]]
        token = f"BENCH{i:012d}"
        raw = raw.replace(b"@partners.example.org>", f".{token}@partners.example.org>".encode(), 1)
        raw = raw.replace(b"\nSubject: ", f"\nX-Bench: {token}\nSubject: ".encode(), 1)
        out.append((token, raw))
    return out


def imap() -> IMAPClient:
    client = IMAPClient("127.0.0.1", PORT, ssl=False, timeout=60)
    client.login("bob", "bobpw")
    return client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def workspace(root: Path, folder: str, smtp_port: int) -> Path:
    (root / "pw").write_text("bobpw")
    write_settings(
        root,
        mailbox={"kind": "imap", "host": "127.0.0.1", "port": PORT, "security": "none",
                 "username": "bob", "password_file": str(root / "pw"), "folder": folder,
                 "processed_folder": f"{folder}/Processed", "exceptions_folder": f"{folder}/Exc",
                 "poll_seconds": 30},
        outbound={"kind": "smtp", "host": "127.0.0.1", "port": smtp_port, "security": "none",
                  "auth": "none"},
        forwarding={"acknowledge_senders": False},
        limits={"isolate_heavy_readers": True},
        ops={"health_port": free_port()},
    )  # fmt: skip
    import_tracker(build(load(root / "mailbot.toml", {})), write_tracker(root))
    return root


def floor(raws: list[bytes]) -> float:
    options = read_options(load(None, {}))
    for raw in raws[: len(READERS)]:  # warm: imports and the isolated reader's process
        parsers.read(raw, options)
    start = time.perf_counter()
    for raw in raws:
        parsers.read(raw, options)
    return len(raws) / (time.perf_counter() - start)


def _healthy(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        url = f"http://127.0.0.1:{port}/healthz"
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=1) as answer:
            if answer.status == 200:
                return True
        time.sleep(0.02)
    return False


def throughput(root: Path, folder: str, batch: list[tuple[str, bytes]], rx: Receiver) -> float:
    """The daemon on a batch already in the mailbox: records/s from ready to the last forward."""
    with imap() as c:
        for _, raw in batch:
            c.append(folder, raw)
    before = rx.count
    settings = load(root / "mailbot.toml", {})
    cmd = [sys.executable, "-m", "mailbot.cli", "--config", str(root / "mailbot.toml"), "run"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not _healthy(settings.ops.health_port, time.monotonic() + 60):
            raise SystemExit("the daemon did not start")
        start = time.perf_counter()
        deadline = time.monotonic() + 1800
        while rx.count - before < len(batch) and time.monotonic() < deadline:
            time.sleep(0.02)
        elapsed = time.perf_counter() - start
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    return (rx.count - before) / elapsed


def latency(root: Path, folder: str, trickle: list[tuple[str, bytes]], rx: Receiver) -> list[float]:
    cmd = [sys.executable, "-m", "mailbot.cli", "--config", str(root / "mailbot.toml"), "run"]
    proc = subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    appended: dict[str, float] = {}
    try:
        time.sleep(3)
        with imap() as c:
            for token, raw in trickle:
                appended[token] = time.monotonic()
                c.append(folder, raw)
                time.sleep(0.5)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(t in rx.arrived for t in appended):
            time.sleep(0.1)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return sorted(rx.arrived[t] - appended[t] for t in appended if t in rx.arrived)


def backlog(root: Path, folder: str, batch: list[tuple[str, bytes]]) -> tuple[float, float]:
    with imap() as c:
        for _, raw in batch:
            c.append(folder, raw)
    cmd = [sys.executable, "-m", "mailbot.cli", "--config", str(root / "mailbot.toml"), "run",
           "--once"]  # fmt: skip
    start = time.perf_counter()
    subprocess.run(cmd, cwd=root, check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return elapsed, rss_mb


def scaling(max_workers: int, n: int, rx: Receiver, smtp_port: int) -> list[tuple[int, float]]:
    """Records/s with 1..max_workers ``mailbot run`` processes on one PostgreSQL database."""
    from tests.conftest import reset_postgres

    url = os.environ.get("MAILTEST_PG_URL", "postgresql+psycopg://app:app@127.0.0.1:15432/app_test")
    out = []
    for count in range(1, max_workers + 1):
        reset_postgres(url)
        folder = f"W{uuid.uuid4().hex[:8]}"
        with imap() as c:
            c.create_folder(folder)
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "pw").write_text("bobpw")
            write_settings(
                root, url,
                mailbox={"kind": "imap", "host": "127.0.0.1", "port": PORT, "security": "none",
                         "username": "bob", "password_file": str(root / "pw"), "folder": folder,
                         "processed_folder": f"{folder}/Processed",
                         "exceptions_folder": f"{folder}/Exc"},
                outbound={"kind": "smtp", "host": "127.0.0.1", "port": smtp_port,
                          "security": "none", "auth": "none"},
                forwarding={"acknowledge_senders": False},
            )  # fmt: skip
            settings = load(root / "mailbot.toml", {})
            from mailbot.app import open_database

            open_database(settings, migrate=True)
            import_tracker(build(settings), write_tracker(root))
            with imap() as c:
                for _, raw in records(n):
                    c.append(folder, raw)
            before = rx.count
            cmd = [sys.executable, "-m", "mailbot.cli", "--config", str(root / "mailbot.toml"),
                   "run"]  # fmt: skip
            start = time.perf_counter()
            procs = [
                subprocess.Popen(cmd, cwd=root, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
                for _ in range(count)
            ]  # fmt: skip
            while rx.count - before < n and time.perf_counter() - start < 900:
                time.sleep(0.2)
            elapsed = time.perf_counter() - start
            for p in procs:
                p.terminate()
            for p in procs:
                p.wait(timeout=60)
        with imap() as c:
            for name in (f"{folder}/Processed", f"{folder}/Exc", folder):
                if c.folder_exists(name):
                    c.delete_folder(name)
        out.append((count, (rx.count - before) / elapsed))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--trickle", type=int, default=60)
    parser.add_argument("--backlog", type=int, default=10000)
    parser.add_argument("--mix", choices=sorted(MIXES), default="readers")
    parser.add_argument(
        "--workers", type=int, default=0,
        help="also measure 1..N workers on PostgreSQL (MAILTEST_PG_URL) with --records records",
    )  # fmt: skip
    args = parser.parse_args()
    rx = Receiver()
    port = free_port()
    controller = Controller(rx, hostname="127.0.0.1", port=port)  # type: ignore[arg-type]
    controller.start()
    folder = f"B{uuid.uuid4().hex[:8]}"
    with imap() as c:
        c.create_folder(folder)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = workspace(Path(tmp), folder, port)
            mix = MIXES[args.mix]
            batch = records(args.records, mix)
            base = floor([raw for _, raw in batch])
            rate = throughput(root, folder, batch, rx)
            print(f"records            {args.records} ({args.mix} mix: {len(set(mix))} formats)")
            print(f"floor (parse only) {base:8.1f} records/s")
            print(f"end to end         {rate:8.1f} records/s  ({rate / base:.2f} x floor)")
            trickle = [
                (t.replace("BENCH", "TRICK"), r.replace(b"BENCH", b"TRICK"))
                for t, r in records(args.trickle, ("01-plain-body.eml",))
            ]
            times = latency(root, folder, trickle, rx)
            p50 = statistics.median(times) if times else float("nan")
            p95 = times[int(0.95 * (len(times) - 1))] if times else float("nan")
            print(
                f"latency (trickle)  p50 {p50:.2f} s  p95 {p95:.2f} s  ({len(times)}/{len(trickle)})"
            )
            plain = records(args.backlog, ("01-plain-body.eml", "09-forward.eml"))
            plain = [(t, r.replace(b"BENCH", b"BACKL")) for t, r in plain]
            small = max(args.backlog // 10, 1)
            t_small, _ = backlog(root, folder, plain[:small])
            t_big, rss = backlog(root, folder, plain[small:])
            per_small = t_small / small
            per_big = t_big / (len(plain) - small)
            print(
                f"backlog            {len(plain) - small} records in {t_big:.0f} s, "
                f"peak RSS {rss:.0f} MB; {per_big * 1000:.1f} ms/record vs "
                f"{per_small * 1000:.1f} ms/record for {small} (linear if close)"
            )
        if args.workers:
            table = scaling(args.workers, args.records, rx, port)
            one = table[0][1]
            print("workers  records/s  vs 1 worker  (PostgreSQL, one Dovecot mailbox)")
            for count, rate_n in table:
                print(f"{count:>7}  {rate_n:9.1f}  {rate_n / one:10.2f}x")
    finally:
        controller.stop()
        with imap() as c:
            for name in (f"{folder}/Processed", f"{folder}/Exc", folder):
                if c.folder_exists(name):
                    c.delete_folder(name)
    print(f"e2e_vs_floor={rate / base:.2f} p95_latency_s={p95:.2f} backlog_rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
