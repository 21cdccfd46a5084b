"""Held-out set A: written in the voices of school DSL logs, school nurses, health visitors,
police and youth justice registers, family practitioners, supervising social workers and
personal advisers, from the indicators in ../shared/DOMAIN.md, BEFORE the rules were run on
it. Measured once as written (see the report in issue 4), then used to broaden the rules by
concept: since then it is a *reviewed* set, no longer unseen. heldout_fresh.py is the set
that stays unseen.

Each line of a block is one sentence. ``[+a +b]`` at the end names other indicators the
sentence may fairly raise too (counted as correct for precision, not needed for recall).
"""

from __future__ import annotations

POSITIVE: dict[str, str] = {
    "injury": """
DSL log 09:10: J arrived with a bruise on his upper arm, says he fell off his bike.
Noticed finger-tip bruising to the back of her neck during PE.
Health visitor observed a small circular burn on baby's forearm; mum unable to explain it.
He had a black eye this morning and said his brother did it. [+disclosure]
School nurse: graze and swelling to left knee, child reports being pushed by stepdad. [+disclosure]
She came in with scratches down her cheek.
Staff noticed he was limping and he said he had hurt his ankle at home.
Baby presented with a torn frenulum; referred to paediatrician for a CP medical.
Foster carer noticed marks on his back when he was getting changed.
Nursery staff saw red welts on her legs at nappy change.
His wrist was swollen and painful; the carer took him to A&E where a fracture was confirmed.
Teacher saw cuts on his knuckles.
She had a lump on the back of her head which dad said was from a fall.
""",
    "police": """
Officers attended the property at 02:00 following a report of a disturbance.
He was arrested on Friday for possession of cannabis and released under investigation. [+substance_misuse]
Police were called by neighbours after hearing shouting. [+domestic_abuse]
PC Ahmed rang school to say he was stopped and searched near the station on Tuesday.
She spent the night in custody after an altercation in town.
Youth justice: YP attended the police station voluntarily for interview.
Mum called 999 when he smashed the kitchen window.
He told me he was stopped by police on Saturday night in the town centre with older boys. [+exploitation]
Police issued a community resolution for shoplifting.
A Police Protection Notification was received on Monday.
He has a referral order from youth court for criminal damage.
Carers rang 101 to report him after he took money from the house.
Officers brought her home at midnight after finding her in the park. [+missing]
""",
    "missing": """
She was missing from care overnight and returned at 07:30 by taxi.
He absconded from the residential home on Sunday evening.
Carer reported him missing at 22:00 when he did not return from college.
Whereabouts unknown from Friday afternoon until Saturday lunchtime.
She was found by police at a flat in another town two days later. [+police +exploitation]
He didn't come home after school and his phone was switched off until the morning.
Third missing episode this month; return home interview offered.
YP has been missing from home since yesterday.
She ran off from the contact centre and was picked up in the town centre hours later.
Staff were unable to locate him for 18 hours. [+not_seen]
Foster carer says he slept somewhere else on Saturday and will not say where.
He failed to return to his placement after the weekend.
""",
    "disclosure": """
During circle time she told staff that daddy hurts mummy. [+domestic_abuse]
He disclosed to his form tutor that his mum's partner punched him. [+injury]
She told me that her uncle touches her when she stays over.
Pupil said his dad grabbed him by the throat last night. [+injury]
He said he's scared to go home because dad will be angry.
She showed the learning mentor her diary, where she has written that she is being hit at home. [+injury]
YP told his PA that his landlord has been threatening him.
Child made an allegation against a member of staff at the children's home.
She whispered to the nurse that she doesn't feel safe at home.
He told his foster carer that his birth dad used to lock him in his room.
Today she said that her older brother forces her to do things she doesn't want to.
He reported that his mum slaps him when she is drunk. [+injury +substance_misuse]
""",
    "domestic_abuse": """
Mum disclosed that her partner pushed her down the stairs last week. [+disclosure]
An Operation Encompass notification was received this morning.
Police attended a domestic at the home on Saturday. [+police]
Mum has marks on her neck and says her ex tried to strangle her. [+injury +disclosure]
The children heard dad threatening to kill mum.
Mum's ex-partner turned up at the house and smashed the windows.
Mum has moved to a refuge with the children.
The case has been heard at MARAC following a high-risk DASH.
Neighbours report frequent loud arguments and banging from the flat.
Dad has breached his non-molestation order by contacting mum.
Mum says her partner controls all the money and won't let her see her family.
He witnessed his stepdad hitting his mother on Sunday.
""",
    "exploitation": """
He has been seen getting into cars with older males after school.
She has a new iPhone and designer clothes that carers can't account for.
Police intelligence suggests he is involved in county lines. [+police]
There are concerns of CSE; she has been meeting adults she met on Instagram.
A CCE referral has been made after he was found with a large amount of cash.
He has been going to Manchester and returning with money.
She has been sending nude pictures to a man she met online.
A knife was found in his school bag.
He owes money to older lads and is frightened of them.
Youth worker believes she is being groomed by a 24-year-old.
He was found in a trap house in another county. [+missing]
An NRM referral has been submitted.
""",
    "self_harm": """
She has been cutting her thighs and hiding it with long sleeves.
He took an overdose of paracetamol on Sunday and was kept in hospital overnight. [+illness_isolation]
YP told the PA he wants to die and has been stockpiling tablets.
She was found with a ligature in the toilets.
He says he feels suicidal most days.
School nurse saw fresh cuts on her wrists. [+injury]
She has been burning herself with a lighter.
He said there is no point in living anymore.
Staff found blades hidden in her pencil case.
She has been banging her head against the wall when upset.
He wrote a note saying goodbye to his family.
She has been researching ways to kill herself online.
""",
    "not_seen": """
I could not see him as he was at his friend's house.
There was no answer at the door despite repeated knocking.
Mum refused access and spoke to me through the letterbox.
Not seen alone because mum stayed in the room throughout.
He was asleep when I visited and mum did not want to wake him.
The family were out when I called.
Dad told me she was at her nan's and would not give the address.
Child was not present at the visit.
The visit was cancelled by the carer at short notice.
I only spoke to her on the phone; I didn't see her.
Curtains were drawn and no one came to the door although I could hear the TV.
Mum declined the home visit and the children were not seen.
""",
    "school_non_attendance": """
Attendance has dropped to 71% this half term.
He has not been in school since the 3rd.
She is refusing to attend school.
He received a fixed-term exclusion for fighting.
Mum keeps him at home most days.
No contact from parents regarding her absence this week.
She has been missing lessons and hanging around the toilets.
He has been home educated since October and nobody has seen him. [+not_seen]
She has been marked absent every Monday and Friday.
He was sent home and has been on a part-time timetable since.
School have been unable to contact the family about his non-attendance.
She has not started at her new school yet; no school place has been found.
""",
    "placement_breakdown": """
The carers have given 28 days' notice.
Foster carer said she can't carry on with his behaviour and wants him moved.
The placement is at risk of disruption.
Carers are exhausted and said they are at breaking point.
She was asked to leave her supported accommodation after damaging her room.
He has been evicted from his flat and is staying on a mate's sofa.
SSW: carers have requested respite and are considering ending the placement.
Mum says she cannot manage her anymore and wants her to go into care.
The residential home has issued notice following repeated assaults on staff.
He was moved to an emergency placement last night.
YP is now homeless after falling out with his nan.
The carers have said the placement is not working.
""",
    "new_adult": """
There is a new man living at the house who mum introduced as a friend.
Mum has a new boyfriend who has started staying over.
An unknown adult male answered the door.
Dad's girlfriend and her two teenage sons have moved in.
Children said a man called Dean sleeps at their house.
Mum's partner, who we have not been told about, was in the kitchen.
Her older cousin (19) is now living with the family.
There was a man in the flat who left by the back door when I arrived.
Mum has started a relationship with someone she met online and he has been staying.
A lodger has moved into the spare room.
Grandad is now living with them after his release from prison.
""",
    "substance_misuse": """
Mum was slurring her words and unsteady on her feet.
There was a strong smell of cannabis in the flat.
Dad admitted he has been using cocaine again.
Empty vodka bottles were seen in the kitchen.
Mum appeared to be under the influence during the visit.
YP is smoking cannabis daily.
Carer reported that dad turned up to contact drunk.
Mum's hair strand test was positive for cocaine.
Dad has relapsed and is drinking heavily.
Mum said she had a few cans before I arrived.
Needles were found in the bathroom.
""",
    "home_conditions": """
The house was cluttered with rubbish and there was a strong smell of dog urine.
No food in the fridge and the gas meter had run out.
The children's bedroom had no bed, just a mattress on the floor with no bedding.
He comes into school hungry and asks staff for food.
She is often in the same uniform all week and smells.
Damp and black mould in the children's bedroom.
The kitchen was filthy with piles of dirty dishes and rotting food.
Baby's nappy was heavily soiled and she had a severe nappy rash.
There was dog mess on the floor and the stairs.
The home was very cold; mum said they cannot afford heating.
Teachers are concerned about his hygiene and he has head lice again.
Health visitor: baby has dropped two centiles and mum is not following feeding advice.
""",
    "illness_isolation": """
The family are isolating as mum has tested positive.
The visit was rearranged because he has chickenpox.
She has been admitted to the children's ward with an asthma attack.
Mum is too unwell to have visitors this week.
The household has Covid symptoms so I did not go in. [+not_seen]
He has been off sick with a high temperature.
Baby is in hospital with bronchiolitis.
Dad is shielding so the visit took place on the doorstep.
She had diarrhoea and vomiting, so the visit was moved to next week.
Grandma, who looks after him, is in hospital so contact was cancelled.
The foster carer has Covid and the house is in isolation.
""",
}

# Sentences that must raise no flag at all: negated, historical, hypothetical, about someone
# else, or words that only look like a trigger.
TRAPS = """
No bruises, marks or injuries seen.
She has no marks on her.
Body map completed: nothing of note.
There has been no police involvement since the last visit.
He denies any contact with the police.
Police have not been called to the address.
She has not gone missing since she moved to this placement.
No missing episodes reported this month.
He did not disclose anything of concern.
She made no disclosures during the session.
Mum denied any domestic abuse in the relationship.
No DA notifications have been received.
There are no indicators of exploitation.
He has not been seen with older males.
She denied any thoughts of self-harm or suicide.
No evidence of self-harm was seen.
Both children were seen alone in their bedrooms.
I saw him on his own and he was chatty.
His attendance is 98% and he is doing well.
She has not missed a day of school this term.
The placement is stable and the carers are very committed.
Carers report no concerns about the placement.
No new adults are living in the home.
Mum is not in a relationship.
Dad remains abstinent and his last test was negative.
No smell of alcohol or cannabis.
The home was clean, warm and well stocked with food.
No concerns with home conditions.
The children are all well and there are no symptoms.
Nobody in the household is unwell.
She was subject to a child protection plan for neglect in 2019.
Dad has a historic conviction for assault from before the children were born.
He went missing several times at his previous placement but has settled here.
Mum experienced domestic abuse in a previous relationship.
She used to self-harm when she was in Year 8.
Historically there were concerns about mum's alcohol use.
He was excluded from his previous primary school.
The family previously lived in poor housing but have now been rehoused.
When he was younger he was known to the police for anti-social behaviour.
In 2020 she was admitted to hospital with Covid.
If he goes missing, carers know to call the police on 101.
Mum was advised to call 999 if her ex turns up at the house.
We agreed a safety plan in case she feels like hurting herself.
Should the placement become unstable, the SSW will arrange support.
School will contact children's services if his attendance falls below 90%.
She knows to tell an adult if anyone makes her feel unsafe.
If mum starts drinking again, the children will go to grandma's.
The carers would like to know what to do if he comes home smelling of cannabis.
We discussed online safety and what to do if someone asks for pictures.
Any new partner must be introduced to the social worker before staying over.
The visit may have to be virtual if anyone develops symptoms.
He is worried he might be excluded if he gets another detention.
Her friend was arrested last weekend.
A boy in his class has been going missing.
His cousin has been self-harming and he is worried about her.
Another pupil was injured in the playground; J was not involved.
Her best friend's mum has a new boyfriend.
The neighbour's house was raided by police.
A classmate brought a knife into school.
Her friend told her she had taken an overdose.
A police officer visited school to give a talk on road safety.
He wants to join the police when he leaves school.
She has a new puppy and is very excited.
He was missing his mum during the week at camp.
She got a new phone for her birthday from her dad.
He marked his own work and was proud of it.
The school nurse gave her a flu vaccination.
She enjoys cutting out pictures for her scrapbook.
Mum is taking driving lessons.
The children were excited about the bonfire and did not want to go home.
She dropped her phone and the screen is broken.
Mum has joined a gym and says she feels much better.
He likes drawing police cars and fire engines.
The carers are going on holiday in August and he will go with them.
She talked about a film she watched where a girl runs away from home.
Attendance is no longer a concern.
She said nothing had happened at home that worried her.
He told me about his football match and said he scored twice.
Dad has given up smoking.
The family have a new baby and everyone is doing well.
Mum asked whether the visit could be moved to after school.
No change in the home circumstances.
He's off to college in September to study plumbing.
Foster carer said he is settling in well and has made friends.
"""
