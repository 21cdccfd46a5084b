"""Email templates: one Jinja2 file per part and kind, loaded and checked once at start.

Layout of a template folder (``config/templates``)::

    <kind>.subject.j2   one line, plain text
    <kind>.txt.j2       the plain-text part
    <kind>.html.j2      the HTML part (autoescaped)
    _*.j2               partials and macros shared by the kinds

Every variable is strict: a misspelt name is an error. ``Templates.load`` compiles every
file and renders each known kind with the sample values from ``outbound.preview``, so a
council's edit that breaks a template stops the program at start, naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from outbound.errors import OutboundError
from outbound.values import ChildSummary

PARTS = ("subject", "txt", "html")
KINDS = (
    "forward",
    "alert",
    "follow_up",
    "record_chase",
    "escalation",
    "rag_review",
    "digest",
    "acknowledgement",
    "cannot_read",
    "resend_request",
    "admin_alert",
)

INDICATORS = {
    "injury": "Injury or marks",
    "police": "Police involvement",
    "missing": "Missing episode",
    "disclosure": "Disclosure by the child",
    "domestic_abuse": "Domestic abuse",
    "exploitation": "Exploitation",
    "self_harm": "Self-harm or suicidal talk",
    "not_seen": "Child not seen / not seen alone",
    "school_non_attendance": "Not attending school",
    "placement_breakdown": "Placement breakdown",
    "new_adult": "New adult in the household",
    "substance_misuse": "Parental substance misuse",
    "home_conditions": "Home conditions or neglect",
    "illness_isolation": "Illness or isolation stopping contact",
    "concerns": "Partner reports concerns",
    "risk_changed": "Partner says risk has changed",
}
METHODS = {"face_to_face": "Face to face", "virtual": "Virtual (video)", "phone": "Telephone"}


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def long_date(value: date | datetime | None) -> str:
    if value is None:
        return "not given"
    return f"{value:%A} {value.day} {value:%B %Y}"


def short_date(value: date | datetime | None) -> str:
    return "not given" if value is None else f"{value:%d/%m/%Y}"


def yes_no(value: bool | None) -> str:
    return "Not said" if value is None else ("Yes" if value else "No")


def _spans(evidence: str, matched: str) -> list[tuple[int, int]]:
    words = [w for w in re.split(r"\s*[|;]\s*", matched) if w.strip()]
    spans: list[tuple[int, int]] = []
    for word in sorted(words, key=len, reverse=True):
        for found in re.finditer(re.escape(word.strip()), evidence, flags=re.IGNORECASE):
            span = found.span()
            if not any(s < span[1] and span[0] < e for s, e in spans):
                spans.append(span)
    return sorted(spans)


def highlight_html(evidence: str, matched: str = "") -> Markup:
    """The sentence, escaped, with the matched words inside <mark>."""
    out: list[str] = []
    at = 0
    for start, end in _spans(evidence, matched):
        out.append(str(escape(evidence[at:start])))
        out.append(
            '<mark style="background:#ffe066;color:#000;padding:0 2px">'
            f"{escape(evidence[start:end])}</mark>"
        )
        at = end
    out.append(str(escape(evidence[at:])))
    return Markup("".join(out))


def highlight_text(evidence: str, matched: str = "") -> str:
    """The sentence with the matched words in *stars*, for the plain-text part."""
    out: list[str] = []
    at = 0
    for start, end in _spans(evidence, matched):
        out += [evidence[at:start], "*", evidence[start:end], "*"]
        at = end
    out.append(evidence[at:])
    return "".join(out)


def child_list(children: object) -> str:
    if isinstance(children, ChildSummary):
        return children.label
    if isinstance(children, list | tuple):
        return ", ".join(c.label for c in children if isinstance(c, ChildSummary))
    raise TypeError("child_list takes a ChildSummary or a list of them")


def _environment(folder: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder)),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False, default=False
        ),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        long_date=long_date,
        short_date=short_date,
        yes_no=yes_no,
        highlight=highlight_html,
        highlight_text=highlight_text,
        children=child_list,
        indicator=lambda key: INDICATORS.get(str(key), str(key).replace("_", " ").capitalize()),
        method=lambda key: "Not said" if key is None else METHODS.get(str(key), str(key)),
    )
    return env


class Templates:
    """Every template of a folder, compiled once. Render with ``render(kind, values)``."""

    def __init__(
        self, env: jinja2.Environment, globals_: Mapping[str, str], kinds: tuple[str, ...]
    ):
        self._env = env
        self._globals = dict(globals_)
        self.kinds = kinds
        self.mailbox_address = globals_["mailbox_address"]
        self.council_name = globals_["council_name"]

    @classmethod
    def load(
        cls,
        folder: Path,
        *,
        council_name: str,
        mailbox_address: str,
        signature: str,
        check: bool = True,
    ) -> Templates:
        folder = Path(folder)
        if not folder.is_dir():
            raise OutboundError(f"template folder not found: {folder}")
        env = _environment(folder)
        kinds: set[str] = set()
        for path in sorted(folder.glob("*.j2")):
            try:
                env.get_template(path.name)
            except jinja2.TemplateSyntaxError as exc:
                raise OutboundError(
                    f"template {exc.filename or path}: line {exc.lineno}: {exc.message}"
                ) from exc
            stem, _, part = path.name.removesuffix(".j2").rpartition(".")
            if not path.name.startswith("_") and part in PARTS:
                kinds.add(stem)
        for kind in sorted(kinds | set(KINDS)):
            for part in PARTS:
                if not (folder / f"{kind}.{part}.j2").is_file():
                    raise OutboundError(f"template missing: {folder / f'{kind}.{part}.j2'}")
        globals_ = {
            "council_name": council_name,
            "mailbox_address": mailbox_address,
            "signature": signature,
        }
        templates = cls(env, globals_, tuple(sorted(kinds)))
        if check:
            from outbound.preview import sample_values  # the samples import this module

            for kind in KINDS:
                templates.render(kind, sample_values(kind))
        return templates

    def render(self, kind: str, values: Mapping[str, object]) -> Rendered:
        if kind not in self.kinds:
            raise OutboundError(f"no template for {kind!r}")
        context = {**self._globals, **values}
        parts: list[str] = []
        for part in PARTS:
            name = f"{kind}.{part}.j2"
            try:
                parts.append(self._env.get_template(name).render(context))
            except (jinja2.TemplateError, TypeError, ValueError) as exc:
                raise OutboundError(f"template {name}: {exc}") from exc
        subject = " ".join(parts[0].split())
        if not subject:
            raise OutboundError(f"template {kind}.subject.j2 rendered an empty subject")
        return Rendered(subject=subject, text=parts[1].strip() + "\n", html=parts[2])
