"""Sentences for the evaluation corpus, written as school, health, police, youth justice and
social care staff write them. {n} is the child's first name, {he}/{his}/{him} the pronouns.

They were written from the seed policies and from practice, not from the rules file: a
rule tuned to these lines alone proves nothing, so review both against new phrasings.
"""

from __future__ import annotations

POSITIVE: dict[str, list[str]] = {
    "injury": [
        "{n} had a bruise on {his} forearm which {he} said happened at home.",
        "I noticed a mark on {his} neck that looked like a grip mark.",
        "{n} arrived at school with a cut to {his} lip.",
        "Staff observed bruising to {his} upper arm during PE.",
        "{n} was limping and would not say why.",
        "There was a small burn on the back of {his} hand.",
        "{n} has a swollen eye and said {he} walked into a door.",
        "{n} attended A&E with a head injury on Sunday.",
        "Nursery staff reported scratches on {his} face at drop-off.",
        "{n} was noted to have an injury to {his} wrist.",
    ],
    "police": [
        "Police attended the family home on Saturday after neighbours called.",
        "{n}'s older brother was arrested on Monday.",
        "The police were contacted by school following the incident.",
        "{n} was stopped and searched in the town centre.",
        "We have been notified of a police incident at the address overnight.",
        "Officers attended the school and spoke with {n}.",
        "Mum phoned the police after dad turned up at the house.",
        "{n} is currently on bail for an offence of robbery.",
    ],
    "missing": [
        "{n} went missing from the placement on Friday evening.",
        "{n} was reported missing to police on Tuesday night.",
        "{n} did not return home after school and was found the next morning.",
        "Carers said {n} stayed out overnight without permission.",
        "{n} has been missing since Thursday.",
        "{n} ran away from home after an argument with mum.",
        "A return home interview has been arranged following the latest episode.",
        "{n}'s whereabouts were unknown for eight hours.",
    ],
    "disclosure": [
        "{n} told me that {his} stepdad hit {him} with a belt.",
        "{n} disclosed to the school nurse that mum's partner touched {him}.",
        "{n} said dad punched {him} when he was drunk.",
        "During the session {n} made a disclosure about {his} uncle.",
        "{n} said {he} is frightened to go home.",
        "{n} told staff that mum locks {him} in {his} room.",
    ],
    "domestic_abuse": [
        "Mum disclosed that her partner assaulted her last weekend.",
        "School received an Operation Encompass notification on Monday.",
        "There was a domestic incident at the property on Friday night.",
        "Neighbours heard shouting and screaming from the flat.",
        "{n} said dad hit mum in the kitchen.",
        "The case has been referred to MARAC.",
        "Mum described coercive and controlling behaviour from her ex-partner.",
        "Dad has been violent towards mum again.",
    ],
    "exploitation": [
        "{n} has been seen getting into cars with older males after school.",
        "{n} has unexplained money and a new phone.",
        "There are concerns that {n} is being criminally exploited.",
        "Police believe {n} is involved in county lines.",
        "{n} was found in another city with two adults not known to the family.",
        "{n} admitted sending images to someone {he} met online.",
        "Staff are worried {n} is being groomed.",
        "{n} was found carrying a knife.",
    ],
    "self_harm": [
        "{n} has been self-harming and showed me cuts on {his} arm.",
        "{n} told {his} teacher {he} wants to kill {him}self.",
        "{n} expressed suicidal thoughts during our session.",
        "{n} took an overdose at the weekend and was seen at hospital.",
        "{n} said {he} does not want to be alive anymore.",
        "Carers found {n} cutting {him}self in the bathroom.",
    ],
    "not_seen": [
        "There was no answer at the door so {n} was not seen.",
        "Mum would not let me see {n}.",
        "I was unable to see {n} as {he} was out with dad.",
        "Dad remained in the room throughout so I could not speak to {n} alone.",
        "Access was refused by mum.",
        "{n} was not seen alone as mum insisted on being present.",
    ],
    "school_non_attendance": [
        "{n} has not been in school since the start of the month.",
        "{n}'s attendance has fallen to 71%.",
        "{n} has missed nine days of school this half term.",
        "{n} is refusing to attend school.",
        "{n} received a fixed-term exclusion on Wednesday.",
        "{n} has stopped attending college.",
        "{n} is not attending school at the moment.",
        "{n} has had several unauthorised absences recently.",
    ],
    "placement_breakdown": [
        "Carers say they can't cope with {n}'s behaviour any more.",
        "The foster carer has given 28 days notice.",
        "The placement is at risk of breaking down.",
        "Carers have asked for {n} to be moved.",
        "The residential home has asked that {n} leaves the placement.",
        "{n} was asked to leave by {his} aunt and is sofa surfing.",
    ],
    "new_adult": [
        "Mum has a new partner who is now living at the house.",
        "An unknown male was at the property during the visit.",
        "{n} told me mum's boyfriend has moved in.",
        "A man I did not know answered the door and said he was staying there.",
        "Dad's new girlfriend is staying at the flat most nights.",
        "There is a new lodger in the home.",
    ],
    "substance_misuse": [
        "Mum appeared to be under the influence when I arrived.",
        "There was a strong smell of cannabis in the property.",
        "Dad was drunk during the visit.",
        "Mum admitted she has relapsed and is using again.",
        "Empty cans and bottles were on the floor of the lounge.",
        "Mum was slurring her words and unsteady.",
    ],
    "home_conditions": [
        "The home conditions were poor and there was little food in the house.",
        "The kitchen was dirty with rubbish piled up.",
        "There was a strong smell of urine in the bedroom.",
        "{n} came to school hungry again and staff gave breakfast.",
        "There was no heating and mould on the bedroom walls.",
        "{n} has head lice and {his} uniform is unwashed.",
        "The house was cluttered and there was dog faeces on the floor.",
    ],
    "illness_isolation": [
        "The family are self-isolating until next Friday.",
        "{n} is unwell with a high temperature and is off school.",
        "Mum has tested positive for Covid so the visit was virtual.",
        "{n} has been admitted to hospital with breathing problems.",
        "The family are shielding because of grandad's health.",
    ],
}

TRAPS: list[str] = [
    "No bruises or marks were seen.",
    "{n} had no injuries.",
    "There are no signs of injury.",
    "{n} has not gone missing since March.",
    "There have been no further missing episodes.",
    "If {n} goes missing the school will call police.",
    "Mum knows to contact the police if {n} does not come home.",
    "Carers would report {n} missing if {he} was late back.",
    "There has been no police involvement since the last review.",
    "{n} denies any self-harm.",
    "{n} has a history of self-harm but is doing well.",
    "{n} previously went missing from {his} last placement.",
    "{n}'s friend went missing over the weekend.",
    "Another pupil in {his} class was excluded.",
    "No new adults are living in the household.",
    "{n} did not disclose anything of concern.",
    "Home conditions were clean and tidy.",
    "{n}'s attendance is 98% this term.",
    "{n} has not missed any school.",
    "There are no concerns about exploitation.",
    "The placement is stable and carers are committed to {n}.",
    "Mum remains abstinent and is engaging with the service.",
    "{n} was seen alone in {his} bedroom.",
    "No domestic abuse incidents have been reported.",
    "Mum was advised to call 999 if dad turns up.",
    "When {he} was younger {n} was on a child protection plan for neglect.",
    "{n} was excluded last year but has settled well this year.",
    "There was no smell of alcohol or cannabis.",
    "Should {n} ever go missing, carers will follow the missing protocol.",
    "The family are all well and nobody is isolating.",
]

BENIGN: list[str] = [
    "{n} was happy and chatty throughout the visit.",
    "{n} showed me {his} bedroom and {his} new drawings.",
    "We talked about {his} favourite football team.",
    "{n} is making good progress with {his} reading.",
    "Mum was welcoming and offered a drink.",
    "{n} is looking forward to the school trip next week.",
    "{n} has joined an after-school drama club.",
    "{n} was wearing clean clothes and appeared well cared for.",
    "Carers report {n} is sleeping and eating well.",
    "{n} is attending all of {his} appointments.",
    "The house was warm and there was food in the cupboards.",
    "{n} spoke positively about {his} foster carers.",
    "We completed a piece of direct work on feelings.",
    "{n} would like more contact with {his} grandmother.",
    "The next visit is planned for the end of the month.",
    "{n} enjoys maths and wants to be a vet.",
    "Mum has been attending the parenting course.",
    "{n} played with {his} younger sibling during the visit.",
    "{n} told me about a birthday party at the weekend.",
    "There is good communication between school and home.",
]


def fill(template: str, first: str, girl: bool) -> str:
    pron = (
        {"he": "she", "his": "her", "him": "her"}
        if girl
        else {"he": "he", "his": "his", "him": "him"}
    )
    text = template.format(n=first, **pron)
    return text[0].upper() + text[1:]


# Indicators a sentence may also fairly raise (a disclosure of being hit is an injury too).
ALSO: dict[str, set[str]] = {
    "{n} told me that {his} stepdad hit {him} with a belt.": {"injury"},
    "{n} said dad punched {him} when he was drunk.": {"injury", "substance_misuse"},
    "{n} said dad hit mum in the kitchen.": {"disclosure"},
    "Mum disclosed that her partner assaulted her last weekend.": {"disclosure"},
    "{n} has been self-harming and showed me cuts on {his} arm.": {"injury"},
    "{n} disclosed to the school nurse that mum's partner touched {him}.": {"injury"},
    "{n} was found carrying a knife.": {"police"},
    "Police believe {n} is involved in county lines.": {"police"},
    "{n} was reported missing to police on Tuesday night.": {"police"},
    "{n} took an overdose at the weekend and was seen at hospital.": {"illness_isolation"},
    "{n} attended A&E with a head injury on Sunday.": {"illness_isolation"},
    "{n} has been admitted to hospital with breathing problems.": set(),
    "{n} ran away from home after an argument with mum.": {"domestic_abuse"},
    "{n} is unwell with a high temperature and is off school.": {"school_non_attendance"},
}
