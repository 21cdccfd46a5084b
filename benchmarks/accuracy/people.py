"""Invented people for synthetic trackers: names drawn by a seeded random generator.

Names are common UK given names and surnames (no real person is described); surnames are
drawn with a Zipf-like weight so that, as in a real tracker, "Smith" is common.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

_GIRLS = """Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Evie Ella
Poppy Florence Sienna Elsie Millie Ruby Daisy Phoebe Harper Sophie Matilda Evelyn Emily Maisie Alice
Esme Lucy Chloe Layla Holly Erin Scarlett Ellie Jessica Zara Hannah Aisha Maryam Amelie Leah Eliza
Imogen Niamh Megan Katie Abigail Charlotte Elizabeth Rebecca Victoria Eleanor Bethany Jasmine Keira
Summer Lola Nancy Iris Hallie Aria Ayla Mila Thea Clara Beatrice Darcie Orla Sinead Aoife Caitlin
Francesca Gabriella Georgina Josephine Katherine Margaret Natalie Patricia Samantha Stephanie"""
_BOYS = """Oliver George Noah Arthur Leo Muhammad Harry Oscar Archie Henry Theodore Freddie Jack
Charlie Teddy Alfie Thomas Jacob William Finley Isaac Joshua James Lucas Alexander Max Samuel Edward
Ethan Daniel Reuben Harrison Joseph Benjamin Mason Logan Tommy Louis Riley Frankie Albie Ronnie
Hunter Jude Elijah Sebastian Jaxon Toby Rory Tyler Dylan Kian Kyle Connor Callum Jamie Liam Ryan
Nathan Aaron Adam Ibrahim Yusuf Omar Ali Hamza Bilal Jayden Kai Ollie Jenson Michael Christopher
Matthew Nicholas Patrick Richard Robert Stephen Anthony Dominic Frederick Alfred Zachary"""
_SURNAMES = """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner
Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips
Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey
Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum
Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen
Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon
Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds
Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson
Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart
Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry
Stone Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird
Gardner Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd
Ross Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis
Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler
Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rahman Nowak Kowalski Silva
Okafor Mensah Adeyemi Nguyen Chen Wong Ozturk Yilmaz Murray-Hale Ashworth-Jones Fitzgerald"""
GIRLS = _GIRLS.split()
BOYS = _BOYS.split()
SURNAMES = _SURNAMES.split()


@dataclass(frozen=True)
class Person:
    child_id: str
    first_name: str
    last_name: str
    dob: date
    girl: bool


def surname_weights() -> list[float]:
    return [1.0 / (rank + 8) for rank in range(len(SURNAMES))]


def make_people(rng: random.Random, n: int, *, start_id: int = 1_000_000) -> list[Person]:
    """n invented children with unique IDs; twins and siblings appear by chance and on purpose."""
    weights = surname_weights()
    people: list[Person] = []
    used: set[int] = set()
    base = date(2004, 1, 1)
    while len(people) < n:
        number = rng.randrange(start_id, start_id + 8_999_999)
        if number in used:
            continue
        used.add(number)
        girl = rng.random() < 0.5
        first = rng.choice(GIRLS if girl else BOYS)
        last = rng.choices(SURNAMES, weights)[0]
        dob = base + timedelta(days=rng.randrange(0, 18 * 365))
        people.append(Person(f"E{number:07d}", first, last, dob, girl))
    return people
