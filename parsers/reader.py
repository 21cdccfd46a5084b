"""``read``: one raw email to a ParsedMessage (with attached and forwarded messages) and the
VisitRecord read from the sender's own words and documents. Never raises for bad input."""

from __future__ import annotations

import logging
from dataclasses import replace
from email.message import Message

from .assemble import Source, build_record
from .document import DocText, from_text
from .documents import MESSAGE_KINDS, part_name, read_attachment
from .errors import ReaderFailure
from .mime import forwarded_message, from_message, headers_only, parse_bytes, safe_filename
from .options import ReadOptions
from .outlook import OutlookItem, read_msg, read_tnef
from .record import Attachment, ParsedMessage, Problem, ProblemKind, Reading, VisitRecord
from .recover import recover
from .secure import secure_problems
from .sniff import sniff

log = logging.getLogger(__name__)


def read(raw: bytes, options: ReadOptions) -> Reading:
    """Read one raw email. Problems are reported in the result, never raised."""
    try:
        return read_or_raise(raw, options)
    except Exception as exc:  # the last guard: a reader bug must not stop the mailbox
        log.warning(
            "reader failed unexpectedly: %s",
            type(exc).__name__,
            exc_info=log.isEnabledFor(logging.DEBUG),
        )
        problem = Problem(
            ProblemKind.MALFORMED,
            "message",
            f"the email could not be read ({type(exc).__name__}); it needs a person to look at it",
        )
        return Reading(_empty(problem), VisitRecord(problems=()))


def _empty(problem: Problem) -> ParsedMessage:
    return ParsedMessage(
        message_id=None, subject="", sender="", sender_name="", to=(), cc=(), date=None,
        in_reply_to=None, references=(), headers=(), content_types=(), body="", new_text="",
        problems=(problem,),
    )  # fmt: skip


def read_or_raise(raw: bytes, options: ReadOptions) -> Reading:
    """``read`` without its last guard: an unexpected error (a reader bug, a memory limit)
    is raised, for a worker process whose caller then reads the message the guarded way."""
    if len(raw) > options.limits.max_message_bytes:
        return Reading(headers_only(raw, options), VisitRecord())
    message = recover(raw, _expand_message(parse_bytes(raw), options, 0))
    sources: list[Source] = []
    record_problems: list[Problem] = []
    _collect(message, options, sources, record_problems, top=True)
    if not any(not s.doc.empty for s in sources) and not _explained(message, record_problems):
        record_problems.append(
            Problem(
                ProblemKind.NO_RECORD, "message", "the email has no text and no attachment to read"
            )
        )
    record = build_record(sources, message.subject, options, record_problems)
    return Reading(message, record)


def _explained(message: ParsedMessage, problems: list[Problem]) -> bool:
    return bool(problems) or any(p.kind != ProblemKind.MALFORMED for p in message.problems)


def _expand_message(msg: Message, options: ReadOptions, depth: int) -> ParsedMessage:
    parsed, attached = from_message(msg, options, depth)
    inner: list[ParsedMessage] = []
    problems = list(parsed.problems)
    attachments = list(parsed.attachments)
    body = parsed.body
    can_nest = depth < options.limits.max_attached_message_depth
    for part in attached:
        if can_nest:
            inner.append(_expand_message(part, options, depth + 1))
        else:
            problems.append(_nesting(options))
    for attachment in parsed.attachments:
        if attachment.kind not in MESSAGE_KINDS or not attachment.data:
            continue
        if attachment.kind == "tnef":
            try:
                item = read_tnef(attachment.data)
            except ReaderFailure as failure:
                problems.append(Problem(failure.kind, part_name(attachment), failure.detail))
                continue
            if not body.strip():
                body = item.body
            attachments.extend(_outlook_attachments(item, options, problems))
            inner.extend(_outlook_inner(item.items, options, depth, problems))
        elif not can_nest:
            problems.append(_nesting(options))
        elif attachment.kind == "eml":
            inner.append(_expand_message(parse_bytes(attachment.data), options, depth + 1))
        else:
            try:
                item = read_msg(attachment.data)
            except ReaderFailure as failure:
                problems.append(Problem(failure.kind, part_name(attachment), failure.detail))
                continue
            inner.extend(_outlook_inner([item], options, depth, problems))
    if body != parsed.body:
        parsed = replace(parsed, body=body, new_text=_new_text(body))
    parsed = replace(parsed, attachments=tuple(attachments))
    forwarded = forwarded_message(parsed) if can_nest else None
    if forwarded is not None:
        inner.insert(0, forwarded)
        parsed = replace(parsed, new_text=_new_text(_forward_note(parsed)))
    problems.extend(secure_problems(parsed))
    for child in inner:
        problems.extend(p for p in child.problems if p not in problems)
    return replace(parsed, inner=tuple(inner), problems=tuple(problems))


def _new_text(body: str) -> str:
    from .quotes import new_text

    return new_text(body)


def _forward_note(parsed: ParsedMessage) -> str:
    from .quotes import find_forward

    found = find_forward(parsed.body, parsed.subject)
    return found.note if found is not None else parsed.body


def _nesting(options: ReadOptions) -> Problem:
    limit = options.limits.max_attached_message_depth
    return Problem(
        ProblemKind.NESTING,
        "message",
        f"attached messages nested deeper than {limit}; the rest not read",
    )


def _outlook_attachments(
    item: OutlookItem, options: ReadOptions, problems: list[Problem]
) -> list[Attachment]:
    out: list[Attachment] = []
    for index, (name, data) in enumerate(item.attachments):
        filename = safe_filename(name, f"winmail{index + 1}")
        if len(data) > options.limits.max_attachment_bytes:
            problems.append(
                Problem(
                    ProblemKind.TOO_LARGE,
                    f"attachment '{filename}'",
                    "the attachment is over the size limit; it was not read",
                )
            )
            continue
        out.append(Attachment(filename, "application/octet-stream", sniff(data), data))
    return out


def _outlook_inner(
    items: list[OutlookItem], options: ReadOptions, depth: int, problems: list[Problem]
) -> list[ParsedMessage]:
    out: list[ParsedMessage] = []
    for item in items:
        if depth + 1 > options.limits.max_attached_message_depth:
            problems.append(_nesting(options))
            continue
        nested_problems: list[Problem] = []
        attachments = _outlook_attachments(item, options, nested_problems)
        inner = _outlook_inner(item.items, options, depth + 1, nested_problems)
        headers = tuple(item.headers)
        message = ParsedMessage(
            message_id=next((v.strip().strip("<>") for k, v in headers if k == "message-id"), None),
            subject=item.subject,
            sender=item.sender.lower() if "@" in item.sender else "",
            sender_name=item.sender_name,
            to=(),
            cc=(),
            date=None,
            in_reply_to=None,
            references=(),
            headers=headers,
            content_types=("application/vnd.ms-outlook",),
            body=item.body,
            new_text=_new_text(item.body),
            attachments=tuple(attachments),
            inner=tuple(inner),
            problems=tuple(nested_problems),
        )
        problems.extend(nested_problems)
        out.append(message)
    return out


def _collect(
    message: ParsedMessage,
    options: ReadOptions,
    sources: list[Source],
    problems: list[Problem],
    top: bool,
) -> None:
    """The sender's words, then each inner message's words, then documents, as record sources."""
    name = "body" if top else f"message '{message.subject[:60]}'"
    sources.append(Source(from_text(message.new_text), name, "body"))
    for attachment in message.attachments:
        doc, kind = read_attachment(attachment, options)
        problems.extend(p for p in doc.problems if p not in problems)
        sources.append(
            Source(
                DocText(doc.blocks, doc.fields, (), doc.ocr_confidence), part_name(attachment), kind
            )
        )
    for inner in message.inner:
        _collect(inner, options, sources, problems, top=False)
