"""Held-out set C: written after set B (heldout_fresh.py) had been measured once and then
used to review the rules; never used to change them. Same format as heldout_wide.py.
"""

from __future__ import annotations

POSITIVE: dict[str, str] = {
    "injury": """
Pupil arrived with a graze across her forehead and could not say how it happened.
Noted a thumb-shaped bruise on the inside of his upper arm.
Child has a burn mark on her wrist which she says came from the iron.
""",
    "police": """
The police executed a warrant at the property on Thursday morning.
He was picked up by officers at 1am drinking in the park with friends. [+substance_misuse]
Youth offending service confirm he is due at the youth court next week.
""",
    "missing": """
She left the unit at 6pm and did not come back until 2am; staff had no idea where she was.
He was reported as a missing child to the police on Sunday. [+police]
The school were unable to locate her after she walked out at break.
""",
    "disclosure": """
He told his teacher that his mum's boyfriend pins him down. [+injury]
She wrote in her worry box that daddy hurts her when mummy is at work. [+injury]
He disclosed that he is made to sleep in the shed when he is naughty.
""",
    "domestic_abuse": """
Mum has a bruised cheek and admitted her partner slapped her during an argument. [+injury +disclosure]
Police were called to a domestic on Friday night and dad was arrested. [+police]
Mum says her ex has been sending threatening messages and turning up at the school gates.
""",
    "exploitation": """
He has been seen with a group of older teenagers who are known to carry knives.
She has been picked up from school by a man in his twenties in a black car.
He has £400 in his bedroom and says he is 'holding it for a mate'.
""",
    "self_harm": """
She has scratches on her forearms which she admitted she did with a compass.
He told the counsellor he has thought about jumping off the bridge.
She took twenty paracetamol on Saturday night and was taken to A&E. [+illness_isolation]
""",
    "not_seen": """
Dad answered but said the children were at a friend's and would not say where.
The children were in bed when I arrived at 7pm and mum would not wake them.
Mum would not allow me into the house and I only spoke to her on the doorstep.
""",
    "school_non_attendance": """
He has been late every day this week and missed registration.
Attendance this term is 64% with most absences unauthorised.
She has been out of education since she moved to the area in September.
""",
    "placement_breakdown": """
The supported lodgings host has asked for him to be moved by the end of the month.
Foster carers say the placement is not sustainable after he damaged their car.
YP was evicted from the hostel and is now sofa surfing.
""",
    "new_adult": """
A man called Gary answered the door and said he lives there now.
Mum's boyfriend has moved into the flat and has a conviction for assault.
The children mentioned a new 'uncle' who stays at the weekend.
""",
    "substance_misuse": """
Mum was very drowsy and slurring during the visit.
Dad has been binge drinking at weekends and missed contact twice.
There was a bong and cannabis grinder on the coffee table.
""",
    "home_conditions": """
The home was freezing and the children were wearing coats indoors.
There was a strong smell of damp and cat litter throughout the flat.
The children had not had a bath in over a week and their clothes were filthy.
""",
    "illness_isolation": """
Mum has flu so the visit was done over the phone. [+not_seen]
He is in hospital with a broken leg after a fall. [+injury]
The family are isolating as the baby has Covid.
""",
}

TRAPS = """
There were no marks or bruising on either child.
He has not had any contact with the police this year.
She has had no missing episodes since the new plan started.
He did not say anything that worried me.
Mum says there has been no contact from her ex.
We discussed the signs of grooming as part of a school assembly.
She says she has never thought about hurting herself.
Both children were seen on their own in the playroom.
His attendance is 97% which is excellent.
The carers are very settled and want him to stay.
No one else is staying at the house.
Dad has been sober for eight months.
The flat was clean and there was food in the fridge.
The children are all healthy.
His friend's older brother was arrested for dealing.
If she misses school again, mum will be fined.
In the past, mum's house was cluttered, but it has improved a lot.
She wants to be a nurse and is doing a first aid course.
He enjoyed the police open day at the fire station.
Mum said she would ring 101 if the neighbours' dog got out again.
"""
