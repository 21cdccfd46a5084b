"""Held-out set B: written at the same time as set A (heldout_wide.py), before any rule was
run on either, and kept sealed while the rules were broadened against set A. Measured once
unseen (recall 41/56 = 0.732, precision 0.926, traps 2/26), then used to review the rules:
it is now a *reviewed* set. heldout_third.py (set C) is the unseen one. Same format as
heldout_wide.py.
"""

from __future__ import annotations

POSITIVE: dict[str, str] = {
    "injury": """
Mark noted on body map: 3cm bruise, right forearm, yellow/green.
Child had a cut lip and dried blood on his collar.
She was walking awkwardly and later said her back hurt where she'd been kicked. [+disclosure]
Carer noticed burns on the palms of his hands.
""",
    "police": """
YOS: young person was detained at the police station overnight following an assault in the park.
Mum said the police kicked the door in on Tuesday looking for her son.
He has been given a youth caution for possession of an offensive weapon. [+exploitation]
Officers brought him back to placement at 3am. [+missing]
""",
    "missing": """
He was absent without permission from the home for two nights.
She went AWOL from school at lunchtime and was later located in the city centre.
Carers did not know where she was until the early hours.
Missing person report made to police at 23:15. [+police]
""",
    "disclosure": """
He let slip that his stepfather had thrown a plate at him. [+injury]
She has told her friend, who told a teacher, that she is being hurt at home. [+injury]
Child disclosed physical chastisement with a belt. [+injury]
She said dad put his hands round her neck. [+injury]
""",
    "domestic_abuse": """
Mum presented with a cut to her eyebrow and said her partner headbutted her. [+injury +disclosure]
There was a domestic incident overnight; dad was removed from the property. [+police]
Mum says he keeps turning up drunk and threatening her. [+substance_misuse]
The children are frightened when dad shouts at mum and smashes things. [+disclosure]
""",
    "exploitation": """
He has been seen hanging around with much older lads and has a second phone.
She has been going to a house where men give her vodka and weed. [+substance_misuse]
He turned up with £300 and a new jacket and won't say where it came from.
Concerns he is being used to carry drugs between towns.
""",
    "self_harm": """
She showed the nurse lines on her arm she'd made with a pencil sharpener blade. [+injury]
He has said several times this week that he wishes he was dead.
Admitted to paediatric ward after taking a number of her mum's tablets. [+illness_isolation]
She's been pulling her hair out and picking her skin until it bleeds. [+injury]
""",
    "not_seen": """
On arrival the house was in darkness and there was no response.
Mum said he was at his dad's so I was unable to see him.
Carer cancelled the visit this morning saying he was unwell. [+illness_isolation]
I saw the children but dad hovered nearby and I could not talk to them privately.
""",
    "school_non_attendance": """
He has 12 unauthorised absences this term.
She has been taken off roll and nobody knows which school she is at.
He is on a reduced timetable and only attends mornings.
Persistent lateness and several days absent with no reason given.
""",
    "placement_breakdown": """
Carers have said they will not be able to keep him beyond Christmas.
Placement disruption meeting booked after she assaulted the carer.
YP lost his tenancy and is sleeping in his car.
Nan feels she cannot look after him anymore.
""",
    "new_adult": """
Mum's new partner was introduced as 'Lee'; no checks have been done.
A man I did not recognise was asleep on the settee.
Children talk about 'Uncle Steve' who now lives with them.
Dad has a new girlfriend who has moved in with her children.
""",
    "substance_misuse": """
Cans of lager all over the living room and mum was tipsy.
Dad had pinned pupils and was nodding off.
YP admits to using ketamine at weekends.
Mum is back on heroin according to her sister.
""",
    "home_conditions": """
Children were in soiled clothes and the house stank.
There was barely any food in the cupboards and no electric on the meter.
Rubbish piled up in the garden and rats seen.
The baby's cot was full of clothes and there was nowhere safe for her to sleep.
""",
    "illness_isolation": """
Whole household has Covid; contact by phone only.
Visit postponed as child has tonsillitis.
Mum is recovering from an operation and asked for the visit to be rescheduled.
He has been hospitalised with pneumonia.
""",
}

TRAPS = """
Body map: no marks.
He was happy and relaxed; no concerns noted.
She has not been missing since the summer.
If anyone asks her to carry anything she will tell her carer.
Mum would ring the police if he came to the house.
A friend of hers went missing last year.
There were no signs of drug or alcohol use.
He told me about a fight in a film he watched.
She was excited about her new phone case.
Previously there were concerns about home conditions but these have resolved.
The children were seen together and then individually.
Attendance is 100% this half term.
Carers are keen for him to stay long term.
Dad denies drinking and presented as sober.
A pupil in her year was excluded for vaping.
The police liaison officer ran an assembly about knife crime.
We talked about what self-harm is during PSHE.
She was worried her friend might hurt herself.
No one else lives at the property.
The kitchen was tidy and there was plenty of food.
Mum had a cold but was happy for the visit to go ahead.
He said he loves living with his foster carers and does not want to move.
He has never been in care before.
She asked what would happen if she told someone a secret.
There was no sign of anyone else living there.
The children were not frightened and spoke freely.
"""
