"""A synthetic news corpus for benchmarks, made from the project's own seed article.

Deterministic (seeded): the same N articles on every machine. Each article mixes
sentences of the seed with sentences built from templates filled with real
place names from the gazetteer, people and event words, so the pipeline does
representative work (entities, places, actors, events) on varied text.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from mapper.sources import read_article, seed_paths

_CITIES = [
    "Caracas",
    "Bogota",
    "Lima",
    "Quito",
    "Havana",
    "Moscow",
    "Kyiv",
    "Kharkiv",
    "Beirut",
    "Damascus",
    "Aleppo",
    "Baghdad",
    "Mosul",
    "Sanaa",
    "Aden",
    "Cairo",
    "Khartoum",
    "Nairobi",
    "Lagos",
    "Kano",
    "Paris",
    "Lyon",
    "Berlin",
    "Madrid",
    "Barcelona",
    "London",
    "Manchester",
    "Istanbul",
    "Ankara",
    "Tehran",
    "Kabul",
    "Karachi",
    "Lahore",
    "Delhi",
    "Mumbai",
    "Dhaka",
    "Yangon",
    "Manila",
    "Jakarta",
    "Bangkok",
    "Hanoi",
    "Beijing",
    "Shanghai",
    "Tokyo",
    "Seoul",
    "Sydney",
    "Toronto",
    "Chicago",
    "Houston",
    "Mexico City",
    "Guadalajara",
    "Santiago",
    "Buenos Aires",
    "Sao Paulo",
    "Johannesburg",
    "Addis Ababa",
    "Mogadishu",
    "Tripoli",
    "Tunis",
]
_COUNTRIES = [
    "Venezuela",
    "Colombia",
    "Peru",
    "Ecuador",
    "Cuba",
    "Russia",
    "Ukraine",
    "Lebanon",
    "Syria",
    "Iraq",
    "Yemen",
    "Egypt",
    "Sudan",
    "Kenya",
    "Nigeria",
    "France",
    "Germany",
    "Spain",
    "Britain",
    "Turkey",
    "Iran",
    "Afghanistan",
    "Pakistan",
    "India",
    "Bangladesh",
    "Myanmar",
    "the Philippines",
    "Indonesia",
    "Thailand",
    "Vietnam",
    "China",
    "Japan",
    "South Korea",
    "Australia",
    "Canada",
    "the United States",
    "Mexico",
    "Chile",
    "Argentina",
    "Brazil",
]
_PEOPLE = [
    ("Maria", "Lopez"),
    ("Ahmed", "Hassan"),
    ("Olga", "Petrova"),
    ("John", "Carter"),
    ("Li", "Wei"),
    ("Fatima", "Diallo"),
    ("Carlos", "Mendez"),
    ("Anna", "Schmidt"),
]
_TITLES = ["Foreign Minister", "President", "opposition leader", "Interior Minister", "Mayor"]
_TEMPLATES = [
    "Thousands of protesters rallied in {city}, {country}, on {day}, demanding new elections.",
    "Police fired tear gas at demonstrators in {city} as the general strike went on.",
    "{title} {first} {last} said on {day} that talks with {country} would resume in {city2}.",
    "An airstrike hit a market outside {city}, killing at least {n} civilians, officials said.",
    "Government forces regained control of several villages near {city} after heavy fighting.",
    "Rebels abducted {n} aid workers on the road between {city} and {city2}.",
    "{last} warned that sanctions on {country} would deepen shortages and inflation.",
    "Refugees fleeing the violence crossed from {country} into {country2} this week.",
    "Rioters hurled rocks at security forces in {city} and looted shops in the centre.",
    "{country} and {country2} signed a ceasefire agreement in {city} late on {day}.",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def make_corpus(folder: Path, count: int, seed: int = 2019) -> list[Path]:
    """Write ``count`` articles of 15-40 sentences (~500-1,000 words) into ``folder``."""
    rng = random.Random(seed)
    seed_text = read_article(seed_paths()[0]).text
    seed_sentences = [s for s in re.split(r"(?<=[.!?])\s+", seed_text) if len(s) > 40]
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        first, last = rng.choice(_PEOPLE)
        lines = []
        for _ in range(rng.randint(15, 40)):
            if rng.random() < 0.35:
                lines.append(rng.choice(seed_sentences))
                continue
            lines.append(
                rng.choice(_TEMPLATES).format(
                    city=rng.choice(_CITIES),
                    city2=rng.choice(_CITIES),
                    country=rng.choice(_COUNTRIES),
                    country2=rng.choice(_COUNTRIES),
                    day=rng.choice(_DAYS),
                    n=rng.randint(2, 40),
                    first=first,
                    last=last,
                    title=rng.choice(_TITLES),
                )
            )
        paragraphs = [" ".join(lines[i : i + 4]) for i in range(0, len(lines), 4)]
        title = f"Report {number + 1}: unrest in {rng.choice(_COUNTRIES)}"
        path = folder / f"article_{number:04d}.txt"
        path.write_text(title + "\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
