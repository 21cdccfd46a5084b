"""HTML bodies to plain text, without fetching anything: blocks become lines, table rows tab-joined,
quoted blocks ("blockquote", Gmail/Outlook quote containers) prefixed with "> "."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "tr", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "section", "article", "header", "footer", "hr", "pre", "dl", "dt", "dd",
    "form", "fieldset", "address", "center",
}  # fmt: skip
_SKIP = {"script", "style", "head", "title", "noscript", "template", "svg", "object", "xml"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "col", "area", "base", "wbr", "source"}


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.skip = 0
        self.quote = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a quote)
        self.cell_open = False

    def _line(self, blank: bool = True) -> None:
        text = re.sub(r"[ \r\n\u00a0]+", " ", "".join(self.current).replace("\t", "\x00"))
        text = re.sub(r" ?\x00 ?", "\t", text).strip("\t ")
        self.current = []
        if text:
            self.lines.append("> " * self.quote + text)
        elif blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
            return
        quote = tag == "blockquote" or _is_quote_container(attrs)
        if tag not in _VOID:
            self.stack.append((tag, quote))
        if quote:
            self._line()
            self.quote += 1
        if tag in ("td", "th"):
            if self.cell_open:
                self.current.append("\t")
            self.cell_open = True
        elif tag == "tr":
            self._line(blank=False)
            self.cell_open = False
        elif tag in _BLOCK:
            if tag in ("p", "div") and self.cell_open:
                self.current.append(" ")
            else:
                self._line()
        if tag == "input":
            values = dict(attrs)
            if (values.get("type") or "").lower() in ("checkbox", "radio"):
                self.current.append("☒ " if "checked" in values else "☐ ")
            elif values.get("value"):
                self.current.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        while self.stack:
            open_tag, quote = self.stack.pop()
            if quote:
                self._line()
                self.quote = max(0, self.quote - 1)
            if open_tag == tag:
                break
        if tag == "tr":
            self._line(blank=False)
            self.cell_open = False
        elif tag in _BLOCK and tag not in ("td", "th") and not self.cell_open:
            self._line()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.current.append(data)

    def text(self) -> str:
        self._line()
        out = "\n".join(self.lines)
        return re.sub(r"\n{3,}", "\n\n", out).strip()


def _is_quote_container(attrs: list[tuple[str, str | None]]) -> bool:
    values = dict(attrs)
    classes = (values.get("class") or "").lower()
    ident = (values.get("id") or "").lower()
    return (
        "gmail_quote" in classes
        or "yahoo_quoted" in classes
        or ident in ("appendonsend", "divrplyfwdmsg")
        or "moz-cite-prefix" in classes
    ) and "gmail_attr" not in classes


def html_to_text(markup: str) -> str:
    """Plain text from HTML; never fetches or runs anything. Malformed markup gives what it can."""
    maker = _TextMaker()
    try:
        maker.feed(markup)
        maker.close()
    except (AssertionError, ValueError):  # html.parser's rare internal errors on broken markup
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    return maker.text()
