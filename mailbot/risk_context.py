"""The small language engine behind the risk rules, in the manner of NegEx/ConText.

Sentences are split, normalised (lower case, straight apostrophes, "hasn't" -> "has not",
hyphens as spaces), and searched for phrases written in the rules file's simple syntax.
A phrase found inside the reach of a negation, historical, hypothetical or other-person
trigger (and not cut off by a termination term) does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CONTRACTIONS = re.compile(r"\b(?:(can)'?t|(can)not|(wo)n'?t|(sha)n'?t|(\w+)n't)\b")
_UNCONTRACT = {"can": "can", "wo": "will", "sha": "shall"}


def _uncontract(m: re.Match[str]) -> str:
    word = next(g for g in m.groups() if g is not None)
    return f"{_UNCONTRACT.get(word, word)} not"


_QUOTES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "“": '"', "”": '"'})
_HYPHEN = re.compile(r"(?<=\w)[-‐‑–](?=\w)")
_PUNCT = re.compile(r"[,:()\[\]\"!?;]")  # a token of its own: phrases match words, not commas
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9&']+")
# "..." in a phrase: up to four words ("...8": up to eight), never across a negation
# ("said nobody has hurt her") or the end of a clause (";")
_GAP = r"(?:\s+(?!(?:not|no|nobody|never|nothing|none|neither|nor)\b)[^\s;]+){{0,{n}}}?"
_GAP_WORD = re.compile(r"\.\.\.([1-9]|1[0-2])?")
_ABBREVIATIONS = re.compile(r"\b(?:mr|mrs|ms|dr|st|no|e\.g|i\.e|etc|approx|tel)\.$", re.IGNORECASE)
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n|\n(?=\s*[-•*·]\s)|\n"
)


class PhraseError(ValueError):
    """A phrase in the rules cannot be understood; the message says why."""


def normalise(text: str, *, phrase: bool = False) -> str:
    """The form phrases are matched against (the evidence keeps the original sentence)."""
    out = text.translate(_QUOTES).lower()
    if "'" in out or "not" in out:
        out = _CONTRACTIONS.sub(_uncontract, out)
    out = _HYPHEN.sub(" ", out)
    if not phrase:  # in a phrase, ? ( ) | are the rules file's own syntax
        out = _PUNCT.sub(lambda m: f" {m.group(0)} ", out)
    return _SPACES.sub(" ", out).strip()


def source_words(sentence: str, matched: str) -> str:
    """The words of ``sentence`` that ``matched`` (found in its normalised form) came from."""
    words = _WORD.findall(matched)
    parts: list[str] = []
    for word in words:
        if word == "not" and parts:
            prev = parts.pop()
            parts.append(_NEGATED.get(prev, rf"{prev}(?:\s+not|n['’]t)"))
        else:
            parts.append(re.escape(word).replace("'", "['’]"))
    if not parts:
        return matched
    found = re.search(r"[^a-z0-9&'’]+".join(parts), sentence.lower())
    return sentence[found.start() : found.end()] if found else matched


_NEGATED = {
    "can": r"can(?:\s*not|['’]t)",
    "will": r"(?:will\s+not|won['’]t)",
    "shall": r"(?:shall\s+not|shan['’]t)",
}


def split_sentences(text: str) -> list[str]:
    """Split narrative into sentences; form lines and bullets are sentences of their own."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()].strip()
        if candidate and _ABBREVIATIONS.search(candidate) and "\n" not in match.group(0):
            continue  # "Mr. Smith" does not end a sentence
        if candidate:
            pieces.append(candidate)
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return [_SPACES.sub(" ", p).lstrip("-•*· ").strip() for p in pieces if p.strip("-•*· ")]


def phrase_pattern(phrase: str) -> str:
    """Turn one rules-file phrase into a regular expression (without word boundaries)."""
    phrase = phrase.strip()
    if not phrase:
        raise PhraseError("empty phrase")
    if phrase.startswith("re:"):
        body = phrase[3:]
        try:
            re.compile(body)
        except re.error as exc:
            raise PhraseError(f"not a regular expression: {exc}") from exc
        return body
    out = ""
    first = True  # no separator before the first word (or after a leading optional word)
    words = _split_top(normalise(phrase, phrase=True), " ")
    for i, word in enumerate(words):
        gap = _GAP_WORD.fullmatch(word)
        if gap:
            if i == 0 or i == len(words) - 1:
                raise PhraseError("'...' must be between two words")
            out += _GAP.format(n=gap.group(1) or 4)
            continue
        optional = word.endswith("?") and len(word) > 1
        word = word[:-1] if optional else word
        if word.startswith("(") and word.endswith(")"):
            choices = _split_top(word[1:-1], "|")
            if any(not c.strip() for c in choices):
                raise PhraseError(f"empty choice in {word!r}")
            regex = "(?:" + "|".join(phrase_pattern(c) for c in choices) + ")"
        elif "(" in word or ")" in word:
            raise PhraseError(f"unbalanced brackets in {word!r}")
        else:
            alternatives = word.split("|")
            if any(not a or a == "*" for a in alternatives):
                raise PhraseError(f"empty choice in {word!r}")
            regex = "(?:" + "|".join(_word_regex(a) for a in alternatives) + ")"
        if optional:
            out += f"(?:{regex}\\s+)?" if first else f"(?:\\s+{regex})?"
        else:
            out += regex if first else f"\\s+{regex}"
            first = False
    if first:
        raise PhraseError("a phrase needs at least one word that is not optional")
    return out


def _split_top(text: str, sep: str) -> list[str]:
    """Split on ``sep`` outside brackets: "a (b c|d) e" -> ["a", "(b c|d)", "e"]."""
    parts: list[str] = []
    depth, current = 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise PhraseError("unbalanced brackets")
        if ch == sep and depth == 0:
            if current.strip() or sep == "|":
                parts.append(current.strip())
            current = ""
            continue
        current += ch
    if depth != 0:
        raise PhraseError("unbalanced brackets")
    if current.strip() or sep == "|":
        parts.append(current.strip())
    return parts


def _word_regex(word: str) -> str:
    if word.endswith("*"):
        return re.escape(word[:-1]) + r"[a-z0-9']*"
    return re.escape(word)


def compile_phrases(phrases: list[str]) -> re.Pattern[str]:
    body = "|".join(f"(?:{phrase_pattern(p)})" for p in phrases)
    return re.compile(rf"(?<![a-z0-9])(?:{body})(?![a-z0-9])")


@dataclass(frozen=True)
class ContextRule:
    """Triggers of one kind: negated, historical, hypothetical or other_person."""

    kind: str
    window: int
    before: re.Pattern[str] | None
    after: re.Pattern[str] | None
    pseudo: re.Pattern[str] | None
    termination: re.Pattern[str] | None = None
    own_termination: bool = False  # use ``termination`` above instead of the shared list


@dataclass(frozen=True)
class Trigger:
    kind: str
    start: int
    end: int
    forward: bool  # reaches phrases after it (a "before" trigger)
    window: int
    termination: re.Pattern[str] | None = None
    own_termination: bool = False


def find_triggers(norm: str, rules: tuple[ContextRule, ...]) -> list[Trigger]:
    found: list[Trigger] = []
    for rule in rules:
        blocked = [m.span() for m in rule.pseudo.finditer(norm)] if rule.pseudo else []
        for pattern, forward in ((rule.before, True), (rule.after, False)):
            if pattern is None:
                continue
            for m in pattern.finditer(norm):
                if any(s < m.end() and m.start() < e for s, e in blocked):
                    continue
                found.append(
                    Trigger(
                        rule.kind,
                        m.start(),
                        m.end(),
                        forward,
                        rule.window,
                        rule.termination,
                        rule.own_termination,
                    )
                )
    return found


def modifier(
    norm: str,
    span: tuple[int, int],
    triggers: list[Trigger],
    termination: re.Pattern[str] | None,
) -> str | None:
    """The kind of the first trigger whose reach covers the phrase at ``span``, if any."""
    start, end = span
    for trig in triggers:
        if trig.start < end and start < trig.end:
            continue  # a trigger inside the phrase is part of the phrase ("not been in school")
        if trig.forward and trig.end <= start:
            between = norm[trig.end : start]
        elif not trig.forward and trig.start >= end:
            between = norm[end : trig.start]
        else:
            continue
        if len(_WORD.findall(between)) > trig.window:
            continue
        ends = trig.termination if trig.own_termination else termination
        if ends is not None and ends.search(between):
            continue
        return trig.kind
    return None
