"""Phrasings kept apart from the corpus, to see how the rules do on words they were not built on.

REVIEWED_*: the first held-out set. Measured once before any rule change (recall 23/43,
traps 2/20), then used to widen the rules (recall 41/43, traps 0/20): no longer unseen.
HELD_*: a second set written after that (recall 12/28 unseen). Both sets were then used to
review the rules in issue 4: neither is unseen any more. See heldout_wide.py (set A),
heldout_fresh.py (set B) and heldout_third.py (set C, unseen).
"""

from __future__ import annotations

REVIEWED_POSITIVE: dict[str, list[str]] = {
    "injury": [
        "On arrival I observed a fresh mark under her left eye.",
        "He had carpet burns on both knees that he could not account for.",
        "Teacher noticed he was holding his arm awkwardly and flinched when touched.",
        "There was visible bruising around her wrists.",
    ],
    "police": [
        "PC Hughes confirmed officers were called out to a disturbance at the flat.",
        "He has been charged with possession and is due in youth court next month.",
        "Mum reported the incident to the police on Sunday.",
    ],
    "missing": [
        "She was not located until 3am by her carers.",
        "He has been absent from the placement overnight on three occasions.",
        "Carers reported her as a missing person at 11pm.",
    ],
    "disclosure": [
        "She confided in her teacher that her mum's boyfriend slaps her.",
        "He stated that his dad kicked him on Friday.",
        "She disclosed during the session that she had been sexually assaulted.",
    ],
    "domestic_abuse": [
        "Mum has obtained a non-molestation order against her ex-partner.",
        "The children were present during a DV incident last night.",
        "Mum said her partner has been controlling and checks her phone.",
    ],
    "exploitation": [
        "She has been receiving gifts from an older man she met on Snapchat.",
        "He was found in Birmingham with drugs and cash; a county lines referral has been made.",
        "There are concerns about child sexual exploitation.",
    ],
    "self_harm": [
        "She has been scratching her arms with a compass.",
        "He spoke about ending his life.",
        "Staff found a ligature in her room.",
    ],
    "not_seen": [
        "The visit did not take place as the family were not at home.",
        "Dad would not allow me to speak to her on her own.",
        "I was not able to see the children today.",
    ],
    "school_non_attendance": [
        "His attendance is currently 54%.",
        "She has been off school for two weeks with no explanation.",
        "He has been truanting regularly.",
    ],
    "placement_breakdown": [
        "The carers feel they are no longer able to meet his needs.",
        "The placement ended abruptly on Monday and he is in an emergency placement.",
        "Carer has requested a placement move.",
    ],
    "new_adult": [
        "Mum mentioned her new boyfriend sometimes stays the night.",
        "A male adult who was not introduced to me was present in the kitchen.",
        "Grandad's friend has moved into the spare room.",
    ],
    "substance_misuse": [
        "Mum admitted she had been drinking before I arrived.",
        "I found drug paraphernalia in the living room.",
        "Dad appeared intoxicated and was unsteady on his feet.",
    ],
    "home_conditions": [
        "The property was very unclean and the sink was full of dirty dishes.",
        "The children's beds had no sheets and smelt of urine.",
        "The fridge was empty and the children said they had not eaten since breakfast.",
    ],
    "illness_isolation": [
        "The family has Covid and the visit has been postponed.",
        "She has been poorly with flu all week.",
        "Mum is in hospital so the children are staying with their aunt.",
    ],
}

REVIEWED_TRAPS: list[str] = [
    "No physical injuries were noted.",
    "He denied having been hit by anyone.",
    "Neither parent has been arrested.",
    "There are no reported missing episodes since she moved placement.",
    "If she feels unsafe she knows to call ChildLine.",
    "The carers have been told to ring the police should he fail to return.",
    "She has previously self-harmed but has not done so for six months.",
    "In the past dad misused alcohol.",
    "His cousin was excluded from school last week.",
    "No concerns around exploitation were identified.",
    "There is no evidence of substance misuse in the home.",
    "Home conditions are good.",
    "Her attendance has improved to 96%.",
    "The placement is going really well.",
    "There have been no new people living in the house.",
    "She said nobody has hurt her.",
    "Mum has not had any contact with her ex-partner.",
    "He was seen on his own at school.",
    "We discussed what to do if she is ever approached by older males.",
    "Everyone in the household is fit and well.",
]


HELD_POSITIVE: dict[str, list[str]] = {
    "injury": [
        "Nursery noted a yellowish bruise on his shin which mum said was from the park.",
        "She had a split lip when she came in this morning.",
    ],
    "police": [
        "The police came out on Tuesday after a neighbour heard screaming.",
        "He was interviewed under caution on Thursday.",
    ],
    "missing": [
        "She did not come back to the home until the following afternoon.",
        "He was missing for 26 hours and was found in Leeds.",
    ],
    "disclosure": [
        "He told the teaching assistant that mummy hits him with a slipper.",
        "She has made an allegation against her foster carer.",
    ],
    "domestic_abuse": [
        "Mum had a black eye and said her boyfriend had hit her.",
        "There was a further domestic violence call-out to the address on Friday.",
    ],
    "exploitation": [
        "He has been seen hanging around with older youths known to be dealing.",
        "She goes to parties with adult men and comes back with alcohol and money.",
    ],
    "self_harm": [
        "She said she sometimes thinks about killing herself.",
        "He has superficial cuts to his forearm which he said he did himself.",
    ],
    "not_seen": [
        "Nobody was home when I called so the visit could not be completed.",
        "Mum said he was asleep and refused to wake him.",
    ],
    "school_non_attendance": [
        "He has only attended 3 out of 10 sessions this fortnight.",
        "School have issued a penalty notice for non-attendance.",
    ],
    "placement_breakdown": [
        "The foster carers have said they want him to leave.",
        "Her supported lodgings provider has served notice.",
    ],
    "new_adult": [
        "Mum's new boyfriend was at the house and did not want to give his name.",
        "An older male cousin has moved in with the family.",
    ],
    "substance_misuse": [
        "Mum smelt strongly of alcohol at 10am.",
        "Dad has tested positive for cocaine.",
    ],
    "home_conditions": [
        "The flat was in a poor state with nappies left on the floor.",
        "The children were dressed in dirty clothes that were too small.",
    ],
    "illness_isolation": [
        "The visit was moved to a video call as the household is isolating.",
        "He was taken to hospital with suspected appendicitis.",
    ],
}

HELD_TRAPS: list[str] = [
    "No marks were visible on his arms or face.",
    "She has not been reported missing this term.",
    "We talked about what she would do if someone offered her drugs.",
    "Mum does not drink alcohol.",
    "He has never been in trouble with the police.",
    "There is no suggestion that anyone else is living at the property.",
    "Her brother's friend was arrested for shoplifting.",
    "Historically there were concerns about neglect.",
    "She would tell her teacher if anyone hurt her.",
    "He has not self-harmed for over a year.",
]
