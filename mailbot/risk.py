"""Risk flags: the sentences of a visit record (and the form's answers) that suggest risk changed.

The phrases, context words and severities live in ``config/risk_rules.toml`` so a practice
lead can add a phrase without touching code; ``load_rules`` validates that file (and checks
every indicator's own example) and names the rule at fault. ``flags`` is pure.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mailbot.errors import ConfigError
from mailbot.model import RiskFlag
from mailbot.risk_context import (
    ContextRule,
    PhraseError,
    Trigger,
    compile_phrases,
    find_triggers,
    modifier,
    normalise,
    source_words,
    split_sentences,
)
from parsers.record import VisitRecord

SEVERITIES = ("high", "medium", "low")
CONTEXT_KINDS = ("negated", "historical", "hypothetical", "other_person", "general")
FORM_ANSWERS = (
    "child_not_seen",
    "not_seen_alone",
    "any_concerns",
    "risk_changed",
    "not_attending_school",
)
_NAME = re.compile(r"[a-z][a-z0-9_]*")
FORM_MATCH = "form answer"  # RiskFlag.matched of a flag raised by the form, not a sentence


@dataclass(frozen=True)
class IndicatorRule:
    name: str
    severity: str
    description: str
    example: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None  # words that show the phrase is not about risk


@dataclass(frozen=True)
class FormRule:
    indicator: str
    severity: str
    evidence: str


@dataclass(frozen=True)
class RiskRules:
    indicators: tuple[IndicatorRule, ...]
    context: tuple[ContextRule, ...]
    termination: re.Pattern[str] | None
    form: Mapping[str, FormRule]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(rule.name for rule in self.indicators)


def load_rules(toml_text: str) -> RiskRules:
    """Read and check the rules file; a mistake raises ConfigError naming the rule."""
    try:
        data = tomllib.loads(toml_text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"risk rules: not valid TOML: {exc}") from exc
    _only(data, {"context", "form", "indicators"}, "")
    context_data = _table(data, "context", "")
    _only(context_data, {"window", "termination", *CONTEXT_KINDS}, "context.")
    default_window = _window(context_data.get("window", 6), "context.window")
    termination = _patterns(
        context_data.get("termination", []), "context.termination", empty_ok=True
    )
    context = tuple(
        _context_rule(kind, _table(context_data, kind, "context."), default_window)
        for kind in CONTEXT_KINDS
        if kind in context_data
    )
    indicators_data = _table(data, "indicators", "")
    if not indicators_data:
        raise ConfigError("risk rules: [indicators] has no indicators")
    indicators = tuple(
        _indicator(name, _table(indicators_data, name, "indicators.")) for name in indicators_data
    )
    form_data = _table(data, "form", "")
    _only(form_data, set(FORM_ANSWERS), "form.")
    form = {key: _form_rule(key, _table(form_data, key, "form.")) for key in form_data}
    rules = RiskRules(indicators, context, termination, form)
    _check_examples(rules, indicators_data)
    return rules


def flags(record: VisitRecord, rules: RiskRules) -> tuple[RiskFlag, ...]:
    """Every flag the record raises: form answers first, then its sentences, once each."""
    raised: list[RiskFlag] = []
    for key, answer in (
        ("child_not_seen", record.child_seen is False),
        ("not_seen_alone", record.seen_alone is False and record.child_seen is not False),
        ("any_concerns", record.any_concerns is True),
        ("risk_changed", record.risk_changed is True),
        ("not_attending_school", record.attending_school is False),
    ):
        rule = rules.form.get(key)
        if answer and rule is not None:
            evidence = rule.evidence
            if key == "any_concerns" and record.concerns.strip():
                evidence = f"{rule.evidence} {record.concerns.strip()}"
            raised.append(RiskFlag(rule.indicator, rule.severity, evidence, FORM_MATCH))
    texts = [record.text]
    texts += [t for t in (record.observations, record.concerns) if t and t not in record.text]
    skip = _identity_lines(record)
    for text in texts:
        for sentence in split_sentences(text):
            if _squash(sentence) not in skip:
                raised.extend(sentence_flags(sentence, rules))
    return _unique(raised)


_NARRATIVE_LABEL = re.compile(
    r"observ|concern|note|comment|summar|detail|change|risk|worr|other|action|outcome|discuss|"
    r"view|wish|feel|seen|attend|school|why|reason|describe|explain",
    re.IGNORECASE,
)
_SQUASH = re.compile(r"[\s:|\-–]+")


def _squash(text: str) -> str:
    return _SQUASH.sub(" ", text).strip().lower()


def _identity_lines(record: VisitRecord) -> frozenset[str]:
    """Form lines that only say who is who ("Organisation: Domestic Abuse Service"): not narrative."""
    return frozenset(
        _squash(f"{label} {value}")
        for label, value in record.fields
        if not _NARRATIVE_LABEL.search(label)
    )


def sentence_flags(sentence: str, rules: RiskRules) -> tuple[RiskFlag, ...]:
    """The flags one sentence raises, after negation, history, hypotheses and other people."""
    norm = normalise(sentence)
    triggers: list[Trigger] | None = None  # found only when some phrase is there
    out: list[RiskFlag] = []
    for rule in rules.indicators:
        for match in rule.pattern.finditer(norm):
            if triggers is None:
                triggers = find_triggers(norm, rules.context)
            if modifier(norm, match.span(), triggers, rules.termination) is None:
                if rule.unless is not None and rule.unless.search(norm):
                    break
                text = sentence.strip()
                out.append(RiskFlag(rule.name, rule.severity, text, source_words(text, match[0])))
                break
    return tuple(out)


def explain(sentence: str, rules: RiskRules) -> list[tuple[str, str, str | None]]:
    """For people tuning the rules: each phrase found, and what (if anything) discounted it."""
    norm = normalise(sentence)
    triggers = find_triggers(norm, rules.context)
    return [
        (rule.name, m.group(0), modifier(norm, m.span(), triggers, rules.termination))
        for rule in rules.indicators
        for m in rule.pattern.finditer(norm)
    ]


# --- reading the file ----------------------------------------------------------------


def _unique(raised: list[RiskFlag]) -> tuple[RiskFlag, ...]:
    """One flag per indicator: the sentences that raised it quoted together, a form answer
    that says the same folded in, the highest severity of them."""
    order: list[str] = []
    sentences: dict[str, list[RiskFlag]] = {}
    forms: dict[str, list[RiskFlag]] = {}
    for flag in raised:
        if flag.indicator not in order:
            order.append(flag.indicator)
        into = forms if flag.matched == FORM_MATCH else sentences
        group = into.setdefault(flag.indicator, [])
        if all(f.evidence != flag.evidence for f in group):
            group.append(flag)
    out = []
    for indicator in order:
        said, form = sentences.get(indicator, []), forms.get(indicator, [])
        every = said + form
        severity = min((f.severity for f in every), key=SEVERITIES.index)
        if not said:
            out.append(
                RiskFlag(indicator, severity, " ".join(f.evidence for f in form), FORM_MATCH)
            )
            continue
        evidence = " … ".join(f.evidence for f in said)
        if form:
            evidence += " (" + " ".join(f.evidence for f in form) + ")"
        out.append(RiskFlag(indicator, severity, evidence, said[0].matched))
    return tuple(out)


def _context_rule(kind: str, data: Mapping[str, Any], default_window: int) -> ContextRule:
    where = f"context.{kind}"
    _only(data, {"window", "before", "after", "pseudo", "termination"}, where + ".")
    return ContextRule(
        kind,
        _window(data.get("window", default_window), f"{where}.window"),
        _patterns(data.get("before", []), f"{where}.before", empty_ok=True),
        _patterns(data.get("after", []), f"{where}.after", empty_ok=True),
        _patterns(data.get("pseudo", []), f"{where}.pseudo", empty_ok=True),
        _patterns(data.get("termination", []), f"{where}.termination", empty_ok=True),
        "termination" in data,
    )


def _indicator(name: str, data: Mapping[str, Any]) -> IndicatorRule:
    where = f"indicators.{name}"
    if not _NAME.fullmatch(name):
        raise ConfigError(f"risk rules: {where}: use lower-case letters, digits and _ in the name")
    _only(
        data,
        {"severity", "description", "example", "not_flagged", "phrases", "unless"},
        where + ".",
    )
    example = data.get("example")
    if not isinstance(example, str) or not example.strip():
        raise ConfigError(f"risk rules: {where}.example: give one sentence that raises this flag")
    pattern = _patterns(data.get("phrases"), f"{where}.phrases", empty_ok=False)
    assert pattern is not None
    return IndicatorRule(
        name,
        _severity(data.get("severity"), f"{where}.severity"),
        str(data.get("description", "")),
        example,
        pattern,
        _patterns(data.get("unless", []), f"{where}.unless", empty_ok=True),
    )


def _form_rule(key: str, data: Mapping[str, Any]) -> FormRule:
    where = f"form.{key}"
    _only(data, {"indicator", "severity", "evidence"}, where + ".")
    indicator = data.get("indicator")
    if not isinstance(indicator, str) or not _NAME.fullmatch(indicator):
        raise ConfigError(f"risk rules: {where}.indicator: {indicator!r} is not an indicator name")
    evidence = data.get("evidence", "Form answer.")
    if not isinstance(evidence, str):
        raise ConfigError(f"risk rules: {where}.evidence: must be text")
    return FormRule(indicator, _severity(data.get("severity"), f"{where}.severity"), evidence)


def _check_examples(rules: RiskRules, indicators_data: Mapping[str, Any]) -> None:
    for rule in rules.indicators:
        raised = {f.indicator for f in sentence_flags(rule.example, rules)}
        if rule.name not in raised:
            raise ConfigError(
                f"risk rules: indicators.{rule.name}.example: {rule.example!r} "
                "does not raise this flag with the phrases and context words given"
            )
        traps = indicators_data[rule.name].get("not_flagged", [])
        if not isinstance(traps, list) or not all(isinstance(t, str) for t in traps):
            raise ConfigError(
                f"risk rules: indicators.{rule.name}.not_flagged: a list of sentences"
            )
        for trap in traps:
            if rule.name in {f.indicator for f in sentence_flags(trap, rules)}:
                raise ConfigError(
                    f"risk rules: indicators.{rule.name}.not_flagged: {trap!r} raises this flag"
                )


def _patterns(value: object, where: str, *, empty_ok: bool) -> re.Pattern[str] | None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"risk rules: {where}: must be a list of phrases in quotes")
    if not value:
        if empty_ok:
            return None
        raise ConfigError(f"risk rules: {where}: needs at least one phrase")
    try:
        return compile_phrases(list(value))
    except (PhraseError, re.error):
        pass  # find the phrase at fault, to name it
    for i, phrase in enumerate(value):
        try:
            compile_phrases([phrase])
        except (PhraseError, re.error) as exc:
            raise ConfigError(f"risk rules: {where}[{i}] {phrase!r}: {exc}") from exc
    raise ConfigError(f"risk rules: {where}: the phrases cannot be combined")


def _severity(value: object, where: str) -> str:
    if value not in SEVERITIES:
        raise ConfigError(f"risk rules: {where}: {value!r} is not one of {', '.join(SEVERITIES)}")
    return str(value)


def _window(value: object, where: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 30:
        raise ConfigError(f"risk rules: {where}: {value!r} is not a whole number from 1 to 30")
    return value


def _table(data: Mapping[str, Any], key: str, prefix: str) -> Mapping[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(f"risk rules: {prefix}{key}: must be a table")
    return value


def _only(data: Mapping[str, Any], allowed: set[str], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            raise ConfigError(
                f"risk rules: {prefix}{key}: unknown setting (expected one of {', '.join(sorted(allowed))})"
            )
