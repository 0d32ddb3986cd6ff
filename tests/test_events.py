"""Event types: the taxonomy file, inflections, tagging in context, broken files, evaluation."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mapper.cli.evaluate_events import evaluate_events
from mapper.events.inflection import phrase_variants, regular_forms, word_forms
from mapper.events.tagger import EventTagger
from mapper.events.taxonomy import (
    Taxonomy,
    TaxonomyError,
    default_taxonomy_path,
    load_taxonomy,
    load_taxonomy_or_default,
    user_taxonomy_path,
)
from mapper.text.nlp import blank_nlp, sentences_of
from mapper.types import EventTag

DESIGN_ORDER = [
    "Protests",
    "Riots",
    "Battles",
    "Explosions/Remote violence",
    "Violence against civilians",
    "Strategic developments",
    "Diplomacy & statements",
    "Humanitarian & economy",
]


@pytest.fixture(scope="module")
def taxonomy() -> Taxonomy:
    return load_taxonomy(default_taxonomy_path())


@pytest.fixture(scope="module")
def tagger(taxonomy: Taxonomy) -> EventTagger:
    return EventTagger(taxonomy)


@pytest.fixture(scope="module")
def nlp():
    return blank_nlp()


def tag_text(tagger: EventTagger, nlp, text: str) -> list[EventTag]:
    doc = nlp(text)
    return tagger.tag(doc, sentences_of(doc))


def types_of(tags: list[EventTag]) -> list[str]:
    return [t.type for t in tags]


# -- the default taxonomy ---------------------------------------------------------------------


def test_default_taxonomy_has_the_design_types_in_order(taxonomy: Taxonomy) -> None:
    assert taxonomy.names() == DESIGN_ORDER
    assert [t.acled for t in taxonomy.types] == [True] * 6 + [False] * 2
    assert taxonomy.source == default_taxonomy_path()
    assert taxonomy.get("Riots").name == "Riots"
    with pytest.raises(KeyError):
        taxonomy.get("Elections")


def test_every_type_has_a_distinct_colour_an_icon_and_patterns(taxonomy: Taxonomy) -> None:
    colours = [t.color for t in taxonomy.types]
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)
    assert len(set(colours)) == len(colours)
    # none of them is a mid grey, the map's colour for "no event type" (black is Okabe-Ito's)
    greys = [c for c in colours if len({c[1:3], c[3:5], c[5:7]}) == 1]
    assert all(c in ("#000000", "#FFFFFF") for c in greys)
    for event_type in taxonomy.types:
        icon = taxonomy.icon_path(event_type.name)
        assert icon.is_file() and icon.suffix == ".svg"
        assert "<svg" in icon.read_text(encoding="utf-8")
        assert event_type.patterns and event_type.description


# -- inflections ------------------------------------------------------------------------------


def test_base_forms_match_their_regular_inflections() -> None:
    assert {"rally", "rallies", "rallied", "rallying"} <= regular_forms("rally")
    assert {"fire", "fires", "fired", "firing"} <= regular_forms("fire")
    assert {"stab", "stabs", "stabbed", "stabbing"} <= regular_forms("stab")
    assert {"clash", "clashes", "clashed", "clashing"} <= regular_forms("clash")
    assert {"die", "died", "dying"} <= regular_forms("die")
    assert {"cease-fire", "cease-fires"} <= regular_forms("cease-fire")
    assert "targetted" not in regular_forms("target")  # two syllables: no doubling
    assert regular_forms("the") == {"the"}


def test_irregular_forms_come_from_the_file(taxonomy: Taxonomy) -> None:
    assert {"shoot", "shoots", "shooting", "shot"} <= word_forms("shoot", taxonomy.inflections)
    assert "fled" in word_forms("flee", taxonomy.inflections)
    assert "fought" in word_forms("fight", taxonomy.inflections)
    assert "people" in word_forms("person", taxonomy.inflections)


def test_phrases_inflect_every_word_and_respect_equals_and_alternatives(
    taxonomy: Taxonomy,
) -> None:
    assert "hurling rocks" in phrase_variants(["hurl", "rock"], taxonomy.inflections)
    assert "shot dead" in phrase_variants(["shoot", "dead"], taxonomy.inflections)
    assert phrase_variants(["=marched"], taxonomy.inflections) == ["marched"]
    variants = phrase_variants(["hurl/throw", "rock"], taxonomy.inflections)
    assert {"threw rocks", "hurled rock"} <= set(variants)
    assert "in front of" in " ".join(phrase_variants(["gather", "in", "front", "of"], {}))


def test_irregular_past_matches_in_text(tagger: EventTagger, nlp) -> None:
    tags = tag_text(tagger, nlp, "Gunmen shot dead a journalist outside his home.")
    assert types_of(tags)[0] == "Violence against civilians"
    tags = tag_text(tagger, nlp, "Thousands fled the country last year.")
    assert "Humanitarian & economy" in types_of(tags)


# -- the seed article -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_tags(tagger: EventTagger, nlp) -> tuple[str, list[EventTag]]:
    from mapper.sources import read_article, seed_paths

    article = read_article(seed_paths()[0])
    doc = nlp(article.text)
    return article.text, tagger.tag(doc, sentences_of(doc))


def sentence_tags(seed_tags: tuple[str, list[EventTag]], opening: str) -> list[EventTag]:
    """The tags of the seed sentence starting with ``opening`` (it must exist)."""
    text, tags = seed_tags
    start = text.index(opening)
    return [t for t in tags if t.sentence.start <= start < t.sentence.end]


def test_seed_protest_sentences_are_protests(seed_tags) -> None:
    rallied = sentence_tags(seed_tags, "Thousands of people rallied in the streets")
    assert "Protests" in types_of(rallied)
    assert set(types_of(rallied)[:2]) <= {"Protests", "Riots"}
    demonstrations = sentence_tags(seed_tags, "After two days of massive street demonstrations")
    assert types_of(demonstrations)[0] == "Protests"


def test_seed_statements_are_diplomacy(seed_tags) -> None:
    for opening in ("If that is what is required", "On Twitter late Wednesday, Trump said"):
        tags = sentence_tags(seed_tags, opening)
        assert types_of(tags) == ["Diplomacy & statements"], opening
        assert tags[0].trigger == "said"


def test_seed_shooting_at_a_protest_is_violence_against_civilians(seed_tags) -> None:
    tags = sentence_tags(seed_tags, "Wednesday's confrontations between opposition supporters")
    assert types_of(tags)[0] == "Violence against civilians"
    assert tags[0].trigger == "shot in the head"
    assert "Protests" in types_of(tags)


def test_seed_no_mass_defections_is_not_a_defection(seed_tags) -> None:
    tags = sentence_tags(seed_tags, "But there appeared to be no mass defections")
    assert "Strategic developments" not in types_of(tags)


def test_seed_denied_troops_on_the_ground_is_not_a_battle(seed_tags) -> None:
    tags = sentence_tags(seed_tags, "Meanwhile, a top Cuban diplomat has denied")
    assert "Battles" not in types_of(tags)
    assert types_of(tags) == ["Diplomacy & statements"]
    cuba = sentence_tags(seed_tags, '"Cuba does not participate in military operations')
    assert "Battles" not in types_of(cuba)


def test_seed_shortages_and_flight_are_humanitarian(seed_tags) -> None:
    tags = sentence_tags(seed_tags, "Millions of Venezuelans")
    assert types_of(tags)[0] == "Humanitarian & economy"


def test_tags_point_at_their_trigger_and_come_sorted(seed_tags) -> None:
    text, tags = seed_tags
    assert tags
    for tag in tags:
        assert text[tag.trigger_start : tag.trigger_end] == tag.trigger
        assert tag.sentence.start <= tag.trigger_start < tag.trigger_end <= tag.sentence.end
        assert 0.0 < tag.score <= 1.0
    keys = [(t.sentence.start, -t.score) for t in tags]
    assert keys == sorted(keys)
    per_sentence = [(t.sentence, t.type) for t in tags]
    assert len(per_sentence) == len(set(per_sentence)), "one tag per type and sentence"


@pytest.mark.model
def test_seed_tags_are_the_same_with_the_model(tagger: EventTagger, seed_tags) -> None:
    from mapper.text.nlp import load_nlp

    text, _ = seed_tags
    doc = load_nlp()(text)
    with_model = tagger.tag(doc, sentences_of(doc))
    start = text.index("Wednesday's confrontations")
    shooting = [t.type for t in with_model if t.sentence.start <= start < t.sentence.end]
    assert shooting[0] == "Violence against civilians"
    start = text.index("But there appeared to be no mass defections")
    defections = [t.type for t in with_model if t.sentence.start <= start < t.sentence.end]
    assert "Strategic developments" not in defections


# -- context ----------------------------------------------------------------------------------


def test_a_negated_event_is_not_tagged(tagger: EventTagger, nlp) -> None:
    assert "Protests" in types_of(tag_text(tagger, nlp, "Police said there were protests."))
    assert "Protests" not in types_of(tag_text(tagger, nlp, "Police said there were no protests."))
    assert types_of(tag_text(tagger, nlp, "No injuries or fatalities were reported.")) == []


def test_a_threatened_event_scores_lower_than_one_that_happened(tagger: EventTagger, nlp) -> None:
    def protest_score(text: str) -> float:
        return next(t.score for t in tag_text(tagger, nlp, text) if t.type == "Protests")

    happened = protest_score("The unions held a general strike.")
    threatened = protest_score("The unions threatened to hold a general strike.")
    assert threatened < happened / 2


def test_a_longer_phrase_takes_its_words_from_a_shorter_one(tagger: EventTagger, nlp) -> None:
    tags = tag_text(tagger, nlp, "An air strike hit the village.")
    assert types_of(tags) == ["Explosions/Remote violence"]
    assert tags[0].trigger == "air strike"
    assert types_of(tag_text(tagger, nlp, "Rebels left the town without a fight.")) == [
        "Strategic developments"
    ]


def test_precedence_picks_the_event_over_its_means(tagger: EventTagger, nlp) -> None:
    text = "Rebels clashed with troops, backed by heavy shelling."
    doc = nlp(text)
    assert tagger.top_type(doc, sentences_of(doc)) == "Battles"
    assert types_of(tagger.tag(doc, sentences_of(doc)))[:2] == [
        "Battles",
        "Explosions/Remote violence",
    ]
    doc = nlp("An air strike killed five civilians.")
    assert tagger.top_type(doc, sentences_of(doc)) == "Explosions/Remote violence"


def test_top_type_can_be_limited_to_some_types(tagger: EventTagger, nlp) -> None:
    doc = nlp("The minister said police arrested two men.")
    sentences = sentences_of(doc)
    assert tagger.top_type(doc, sentences) == "Strategic developments"
    assert tagger.top_type(doc, sentences, among={"Diplomacy & statements"}) == (
        "Diplomacy & statements"
    )
    assert tagger.top_type(doc, sentences, among={"Riots"}) is None
    assert tagger.top_type(nlp("The weather was mild."), []) is None


# -- broken or user files ---------------------------------------------------------------------


def write_taxonomy(path: Path, types: str) -> Path:
    path.write_text(types, encoding="utf-8")
    return path


GOOD_TYPE = """
[[types]]
name = "Elections"
acled = false
color = "#123456"
icon = "diplomacy.svg"
patterns = ["vote", "ballot|0.8"]
"""


def test_a_user_file_replaces_the_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, nlp
) -> None:
    monkeypatch.setenv("DATELINE_DATA_DIR", str(tmp_path))
    assert load_taxonomy().source == default_taxonomy_path()
    write_taxonomy(user_taxonomy_path(), GOOD_TYPE)
    taxonomy = load_taxonomy()
    assert taxonomy.source == tmp_path / "event_types.toml"
    assert taxonomy.names() == ["Elections"]
    tags = tag_text(EventTagger(taxonomy), nlp, "Millions voted on Sunday.")
    assert [(t.type, t.trigger) for t in tags] == [("Elections", "voted")]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('[[types]]\nname = "Riots"\ncolor = "#E69F00\n', "not valid TOML"),
        (GOOD_TYPE.replace('patterns = ["vote", "ballot|0.8"]', ""), "has no patterns"),
        (
            GOOD_TYPE.replace('patterns = ["vote", "ballot|0.8"]', "patterns = []"),
            "has no patterns",
        ),
        (GOOD_TYPE.replace("#123456", "red"), "not a colour"),
        (GOOD_TYPE.replace("diplomacy.svg", "ballot-box.svg"), "there is no icon"),
        (GOOD_TYPE.replace("ballot|0.8", "ballot|2"), "weight must be between"),
        (GOOD_TYPE.replace("ballot|0.8", "... ballot"), "must stand between words"),
        (GOOD_TYPE.replace("color =", "colour ="), "unknown key 'colour'"),
        (GOOD_TYPE + GOOD_TYPE, "used twice"),
        (GOOD_TYPE.replace("acled = false", 'outranks = ["Riots"]'), "outranks 'Riots'"),
        ("version = 1\n", "no event types"),
    ],
)
def test_a_broken_file_says_which_file_and_what_is_wrong(
    tmp_path: Path, content: str, problem: str
) -> None:
    path = write_taxonomy(tmp_path / "event_types.toml", content)
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(path)
    message = str(raised.value)
    assert str(path) in message
    assert problem in message


def test_broken_file_messages_give_the_line(tmp_path: Path) -> None:
    path = write_taxonomy(tmp_path / "bad.toml", GOOD_TYPE.replace("#123456", "#12345"))
    with pytest.raises(TaxonomyError, match=r"line 5: .*'#12345'"):
        load_taxonomy(path)
    path = write_taxonomy(tmp_path / "bad.toml", 'version = 1\n\n[[types]\nname = "x"\n')
    with pytest.raises(TaxonomyError, match=r"line 3"):
        load_taxonomy(path)


def test_a_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(TaxonomyError, match="does not exist"):
        load_taxonomy(tmp_path / "nowhere.toml")


def test_a_broken_user_file_falls_back_to_the_default_with_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATELINE_DATA_DIR", str(tmp_path))
    user_file = write_taxonomy(user_taxonomy_path(), GOOD_TYPE.replace("#123456", "blue"))
    taxonomy, message = load_taxonomy_or_default()
    assert taxonomy.source == default_taxonomy_path()
    assert taxonomy.names() == DESIGN_ORDER
    assert message is not None and str(user_file) in message and "colour" in message
    write_taxonomy(user_file, GOOD_TYPE)
    taxonomy, message = load_taxonomy_or_default()
    assert (taxonomy.names(), message) == (["Elections"], None)


# -- evaluation -------------------------------------------------------------------------------


def test_evaluate_events_scores_by_hand(tmp_path: Path, tagger: EventTagger, nlp) -> None:
    records = [
        ("Warplanes carried out air strikes on the town.", "Remote violence"),  # right
        ("Rebels clashed with government troops.", "Battle-No change of territory"),  # right
        ("Hundreds of people protested in the capital.", "Riots/Protests"),  # Protests: right
        ("Protesters hurled stones at the police.", "Riots/Protests"),  # Riots: also right
        ("Police arrested two men.", "Remote violence"),  # Strategic: wrong
        ("The weather was mild.", "Riots/Protests"),  # nothing: a Protests miss
        ("Somebody did something.", "Unheard-of label"),  # skipped
    ]
    path = tmp_path / "tiny.jsonl"
    path.write_text(
        "\n".join(json.dumps({"text": text, "label": label}) for text, label in records) + "\n",
        encoding="utf-8",
    )
    report = evaluate_events(path, tagger, nlp)
    assert (report["records"], report["skipped"]) == (6, 1)
    assert report["confusion"]["Protests|Riots"] == {"Protests": 1, "Riots": 1, "(none)": 1}
    per_type = report["per_type"]
    # Protests: tp 1, fn 1 -> P 1, R 0.5, F1 2/3; Riots: tp 1 -> 1; Battles: 1;
    # Explosions: tp 1, fn 1 -> 2/3; Strategic: fp 1 -> 0; civilians: no records, no F1.
    assert per_type["Protests"]["f1"] == pytest.approx(2 / 3)
    assert per_type["Riots"]["f1"] == 1.0
    assert per_type["Battles"]["f1"] == 1.0
    assert per_type["Explosions/Remote violence"]["f1"] == pytest.approx(2 / 3)
    assert per_type["Explosions/Remote violence"]["support"] == 2
    assert per_type["Strategic developments"]["f1"] == 0.0
    assert per_type["Violence against civilians"]["f1"] is None
    assert "Violence against civilians" not in report["types_in_macro_f1"]
    assert report["macro_f1"] == pytest.approx((2 / 3 + 1 + 1 + 2 / 3 + 0) / 5)
    assert report["coverage"] == pytest.approx(5 / 6)
    assert evaluate_events(path, tagger, nlp, limit=2)["records"] == 2
