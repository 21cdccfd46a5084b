"""The original email, shown safely: HTML cleaned by nh3 with no images, styles or scripts
(the page's Content-Security-Policy blocks remote content as a second wall), and each
attachment listed with a plain-text preview."""

from __future__ import annotations

import email
import email.policy
import logging
from dataclasses import dataclass
from email.message import EmailMessage

import nh3
from markupsafe import Markup

import parsers
from parsers.documents import read_attachment
from parsers.options import ReadOptions
from parsers.record import Attachment, ParsedMessage

log = logging.getLogger(__name__)

PREVIEW_CHARS = 4000

# No img, no style, no forms, no media: nothing that can load or run anything.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}


@dataclass(frozen=True)
class AttachmentView:
    index: int
    filename: str
    kind: str
    size: int
    preview: str
    problem: str = ""


@dataclass(frozen=True)
class MailView:
    sender: str
    sender_name: str
    to: str
    subject: str
    date: str
    html: Markup | None
    text: str
    attachments: tuple[AttachmentView, ...]
    images_removed: bool = False


def clean_html(html: str) -> Markup:
    """Sanitised HTML: scripts, styles, images, forms and event handlers are gone."""
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )
    return Markup(cleaned)


def _html_part(raw: bytes) -> str | None:
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        part = msg.get_body(preferencelist=("html",))
        if part is None:
            return None
        content = part.get_content()
        return content if isinstance(content, str) else None
    except Exception:  # a broken message still shows its text version
        log.debug("no HTML body could be read", exc_info=True)
        return None


def all_attachments(message: ParsedMessage) -> list[Attachment]:
    """Every attachment, those of attached and forwarded messages included, in order."""
    found = list(message.attachments)
    for inner in message.inner:
        found.extend(all_attachments(inner))
    return found


def preview(attachment: Attachment, options: ReadOptions) -> tuple[str, str]:
    """(text preview, problem in plain words) for one attachment."""
    doc, _ = read_attachment(attachment, options)
    text = doc.text()
    problem = "; ".join(p.detail for p in doc.problems)
    if len(text) > PREVIEW_CHARS:
        text = text[:PREVIEW_CHARS] + "\n… (preview shortened; download the file for all of it)"
    return text, problem


def view(raw: bytes, options: ReadOptions, *, previews: bool = True) -> MailView:
    reading = parsers.read(raw, options)
    message = reading.message
    html_source = _html_part(raw)
    attachments = []
    for i, att in enumerate(all_attachments(message)):
        text, problem = preview(att, options) if previews else ("", "")
        attachments.append(AttachmentView(i, att.filename, att.kind, len(att.data), text, problem))
    return MailView(
        sender=message.sender,
        sender_name=message.sender_name,
        to=", ".join(message.to),
        subject=message.subject,
        date=message.date.isoformat(" ", "minutes") if message.date else "",
        html=clean_html(html_source) if html_source else None,
        text=message.body,
        attachments=tuple(attachments),
        images_removed=bool(html_source and "<img" in html_source.lower()),
    )


def attachment(raw: bytes, options: ReadOptions, index: int) -> Attachment | None:
    found = all_attachments(parsers.read(raw, options).message)
    return found[index] if 0 <= index < len(found) else None


def safe_filename(name: str) -> str:
    """A download name with no path, quotes or control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in base).strip(" .")
    return cleaned[:120] or "attachment"
