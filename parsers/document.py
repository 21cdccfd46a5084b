"""What every document reader returns: text blocks in reading order, tables and form fields."""

from __future__ import annotations

from dataclasses import dataclass

from .record import Problem


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]


Block = str | Table


@dataclass(frozen=True)
class DocText:
    """A document or body as text: paragraphs/lines and tables in order, plus named form fields."""

    blocks: tuple[Block, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()  # (field name or label, value); check boxes as ☒/☐
    problems: tuple[Problem, ...] = ()
    ocr_confidence: float | None = None

    def text(self) -> str:
        """Narrative text: lines as they are, table rows with cells joined by " | "."""
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Table):
                for row in block.rows:
                    cells = [c for c in row if c.strip()]
                    if cells:
                        out.append(" | ".join(cells))
            else:
                out.append(block)
        for name, value in self.fields:
            if value.strip():
                out.append(f"{name}: {value}")
        return "\n".join(out).strip()

    @property
    def empty(self) -> bool:
        return not self.text()


def from_text(text: str) -> DocText:
    """A plain text as one block per line."""
    return DocText(blocks=tuple(text.splitlines()))
