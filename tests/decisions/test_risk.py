"""Risk flags: sentences in -> indicators out, traps that must stay quiet, and the rules file."""

from __future__ import annotations

import pytest

from mailbot.errors import ConfigError
from mailbot.resources import config_text
from mailbot.risk import RiskRules, flags, load_rules, sentence_flags
from parsers.record import VisitRecord

POSITIVES = [
    ("injury", "A bruise was seen on his left cheek."),
    ("injury", "Staff noticed finger marks on her upper arm when she changed for PE."),
    ("injury", "He arrived with a black eye and said he fell off his bike."),
    ("injury", "She has a burn on her hand that mum could not explain."),
    ("police", "Police were called to the address on Saturday night."),
    ("police", "Dad was arrested on Tuesday following an incident at home."),
    ("police", "We received a PPN from the police over the weekend."),
    ("police", "Mum rang the police when he threatened her brother."),
    ("missing", "She was reported missing on Friday and found by police the next morning."),
    ("missing", "He went missing overnight and returned at 6am."),
    ("missing", "Carers report he did not return home until the early hours."),
    ("missing", "She has absconded from the placement twice this week."),
    ("disclosure", "She said her stepdad hit her."),
    ("disclosure", "During circle time he disclosed that mum's boyfriend hurts him."),
    ("disclosure", "She told me she is scared to go home."),
    ("domestic_abuse", "Mum said her partner had been violent towards her at the weekend."),
    ("domestic_abuse", "School received an Operation Encompass notification this morning."),
    ("domestic_abuse", "The children witnessed an argument in which dad hit mum."),
    ("exploitation", "There are concerns she is being groomed by an older male she met online."),
    ("exploitation", "He has been seen with large amounts of cash and a new phone."),
    ("exploitation", "Police believe he is involved in county lines activity."),
    ("exploitation", "Staff found a knife in his school bag."),
    ("self_harm", "She showed me cuts on her arms and said she has been self-harming again."),
    ("self_harm", "He told the school nurse he wants to die."),
    ("self_harm", "She took an overdose of paracetamol on Sunday."),
    ("not_seen", "No one answered the door and the child was not seen."),
    ("not_seen", "Mum refused access and I was unable to see the children."),
    ("not_seen", "I could not speak to him alone as dad remained in the room."),
    ("school_non_attendance", "He has not been in school since Monday."),
    ("school_non_attendance", "Her attendance has dropped to 62% this term."),
    ("school_non_attendance", "She is refusing to go to school."),
    ("school_non_attendance", "He was excluded for three days after a fight."),
    (
        "placement_breakdown",
        "The foster carer said she cannot cope with his behaviour and has given notice.",
    ),
    ("placement_breakdown", "The placement is at risk of breaking down."),
    ("placement_breakdown", "Carers have asked for her to be moved."),
    ("new_adult", "Mum's new partner has moved in."),
    ("new_adult", "An unknown male was present during the visit."),
    ("new_adult", "Mum's boyfriend has been staying at the house most nights."),
    ("substance_misuse", "Dad appeared to be under the influence of alcohol during the visit."),
    ("substance_misuse", "There was a strong smell of cannabis in the flat."),
    ("substance_misuse", "Mum has relapsed and is drinking heavily again."),
    ("home_conditions", "The home conditions were very poor with dog faeces on the floor."),
    ("home_conditions", "There was no food in the fridge and the children said they were hungry."),
    ("home_conditions", "The children's bedroom was filthy and the mattress was soiled."),
    ("illness_isolation", "The family are self-isolating after mum tested positive for Covid."),
    ("illness_isolation", "She has been in hospital since Thursday."),
]

TRAPS = [
    "No bruising seen.",
    "There were no marks or injuries observed.",
    "Injuries: none.",
    "He has not gone missing since March.",
    "Mum said she would call police if he went missing.",
    "If he goes missing the school will call police.",
    "Carers were advised to call the police if she does not return.",
    "There has been no police involvement.",
    "He denied any thoughts of self-harm.",
    "She has a history of self-harm.",
    "He previously went missing from his last placement.",
    "She was excluded last year but has settled well.",
    "Her friend went missing at the weekend.",
    "There were no missing episodes this month.",
    "He did not make any disclosures.",
    "No new adults in the household.",
    "The home was clean and tidy.",
    "His attendance is good.",
    "She has not missed any school this term.",
    "There are no concerns of exploitation at present.",
    "The placement remains stable.",
    "Mum remains abstinent from alcohol.",
    "He was seen alone in his bedroom.",
    "No change in circumstances since the last visit.",
    "Everyone in the family is well.",
    "She said nobody has hurt her.",
    "Her friend's brother was arrested.",
    "When he was younger he was on a child protection plan for neglect.",
]


@pytest.mark.parametrize(("indicator", "sentence"), POSITIVES)
def test_positive_sentences_flag(indicator: str, sentence: str, rules: RiskRules) -> None:
    raised = sentence_flags(sentence, rules)
    assert indicator in {f.indicator for f in raised}
    flag = next(f for f in raised if f.indicator == indicator)
    assert flag.evidence == sentence and flag.matched and flag.severity in {"high", "medium", "low"}


@pytest.mark.parametrize("sentence", TRAPS)
def test_negated_historical_hypothetical_and_other_people_do_not_flag(
    sentence: str, rules: RiskRules
) -> None:
    assert sentence_flags(sentence, rules) == ()


def test_a_termination_word_ends_the_negation(rules: RiskRules) -> None:
    raised = sentence_flags("No bruises seen, but she said her dad hit her.", rules)
    assert {"disclosure", "injury"} <= {f.indicator for f in raised}


def test_form_answers_flag(rules: RiskRules) -> None:
    record = VisitRecord(
        child_seen=False,
        any_concerns=True,
        concerns="Mum seemed very low.",
        risk_changed=True,
        attending_school=False,
    )
    raised = {(f.indicator, f.severity) for f in flags(record, rules)}
    assert ("not_seen", "high") in raised
    assert ("risk_changed", "high") in raised
    assert ("school_non_attendance", "medium") in raised
    concern = next(f for f in flags(record, rules) if f.indicator == "concerns_raised")
    assert "Mum seemed very low." in concern.evidence


def test_seen_but_not_alone_is_medium(rules: RiskRules) -> None:
    raised = flags(VisitRecord(child_seen=True, seen_alone=False), rules)
    assert [(f.indicator, f.severity) for f in raised] == [("not_seen", "medium")]


def test_a_quiet_record_raises_nothing(rules: RiskRules) -> None:
    record = VisitRecord(
        child_seen=True,
        seen_alone=True,
        any_concerns=False,
        risk_changed=False,
        attending_school=True,
        text="Visited at home. Tom was chatty and showed me his drawings. No concerns.",
    )
    assert flags(record, rules) == ()


def test_flags_are_once_per_indicator_and_sentence(rules: RiskRules) -> None:
    sentence = "He had a bruise on his arm and a bruise on his leg."
    record = VisitRecord(text=f"{sentence}\n{sentence}", observations=sentence)
    assert [f.indicator for f in flags(record, rules)] == ["injury"]


def test_a_form_answer_and_a_sentence_saying_the_same_raise_one_flag(rules: RiskRules) -> None:
    record = VisitRecord(
        child_seen=False,
        text="Carer said Ethan was out; I could not see him. "
        "Carer reports he has been staying out late.",
    )
    raised = flags(record, rules)
    assert [f.indicator for f in raised] == ["not_seen"]  # staying out late is not missing
    (flag,) = raised
    assert flag.severity == "high"  # the form's severity, the higher of the two
    assert "I could not see him." in flag.evidence
    assert "Form answer: the child was not seen." in flag.evidence
    assert flag.matched in flag.evidence


def test_two_sentences_for_one_indicator_are_quoted_in_one_flag(rules: RiskRules) -> None:
    record = VisitRecord(text="She had a bruise on her arm. Staff also saw a burn on her hand.")
    (flag,) = flags(record, rules)
    assert flag.indicator == "injury"
    assert "bruise on her arm" in flag.evidence and "burn on her hand" in flag.evidence


def test_stopped_by_police_with_older_boys(rules: RiskRules) -> None:
    sentence = (
        "He told me he was stopped by police on Saturday night in the town centre with older boys."
    )
    raised = {f.indicator for f in sentence_flags(sentence, rules)}
    assert raised == {"police", "exploitation"}


@pytest.mark.parametrize(
    ("sentence", "matched"),
    [
        ("Dad can't cope with her behaviour.", "can't cope"),
        ("Mum's partner, who we haven't been told about, was in the kitchen.", "partner, who"),
    ],
)
def test_the_matched_words_are_the_senders_own(
    sentence: str, matched: str, rules: RiskRules
) -> None:
    (flag,) = sentence_flags(sentence, rules)
    assert flag.matched.startswith(matched) and flag.matched in sentence


def test_unless_words_keep_a_phrase_from_flagging(rules: RiskRules) -> None:
    assert (
        sentence_flags("A police officer gave a talk in assembly about road safety.", rules) == ()
    )
    assert [f.indicator for f in sentence_flags("A police officer spoke to him.", rules)] == [
        "police"
    ]


def test_sentences_of_a_record_are_quoted_whole(rules: RiskRules) -> None:
    record = VisitRecord(text="Visit went well. Mr. Brown said the police attended on Friday.")
    (flag,) = flags(record, rules)
    assert flag.indicator == "police"
    assert flag.evidence == "Mr. Brown said the police attended on Friday."


# --- the rules file -----------------------------------------------------------------------

GOOD = config_text("risk_rules.toml")


def _with(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("this is = not toml [", "not valid TOML"),
        (
            _with(
                '[indicators.injury]\nseverity = "high"', '[indicators.injury]\nseverity = "urgent"'
            ),
            "indicators.injury.severity: 'urgent' is not one of high, medium, low",
        ),
        (
            _with('phrases = [\n  "bruis*"', 'phrases = [\n  "re:(bruis"'),
            "indicators.injury.phrases[0]",
        ),
        (
            _with('phrases = [\n  "bruis*"', 'phrases = [\n  "bruise (on|"'),
            "indicators.injury.phrases[0]",
        ),
        (
            _with('example = "A bruise was seen on his left cheek."', 'example = "He was happy."'),
            "indicators.injury.example",
        ),
        (
            _with('not_flagged = ["No bruising seen.",', 'not_flagged = ["A bruise on his arm.",'),
            "indicators.injury.not_flagged",
        ),
        (_with("[context]\nwindow = 6", "[context]\nwindow = 0"), "context.window"),
        (
            _with("[context.negated]\nwindow = 5", "[context.negated]\nwindow = 5\nbefor = []"),
            "context.negated.befor: unknown setting",
        ),
        (
            _with(
                'child_not_seen = { indicator = "not_seen", severity = "high"',
                'child_not_seen = { indicator = "not_seen", severity = "HIGH"',
            ),
            "form.child_not_seen.severity",
        ),
        (
            GOOD + '\n[indicators.pets]\nseverity = "low"\nexample = "A dog."\nphrases = []\n',
            "indicators.pets.phrases: needs at least one phrase",
        ),
    ],
)
def test_rules_file_mistakes_name_the_rule(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match="risk rules") as caught:
        load_rules(text)
    assert message in str(caught.value)


def test_a_practice_lead_can_add_a_phrase() -> None:
    before = load_rules(GOOD)
    sentence = "He has been seen wearing a balaclava."
    assert sentence_flags(sentence, before) == ()
    after = load_rules(_with('"running drugs",', '"running drugs", "balaclava",'))
    assert [f.indicator for f in sentence_flags(sentence, after)] == ["exploitation"]


def test_form_lines_naming_the_visitor_are_not_narrative(rules: RiskRules) -> None:
    record = VisitRecord(
        text="Organisation: Domestic Abuse Service\nRole: IDVA\nMum said her partner hit her again.",
        fields=(("Organisation", "Domestic Abuse Service"), ("Role", "IDVA")),
    )
    raised = flags(record, rules)
    assert raised and {f.evidence for f in raised} == {"Mum said her partner hit her again."}
    assert "domestic_abuse" in {f.indicator for f in raised}
