"""The review queue: doubtful places listed with their alternatives, decided many at once."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapper.cli import main
from mapper.geo.corrections import Corrections
from mapper.geo.review import CommonWords, ReviewItem, item_to_json, place_label, review_queue
from mapper.pipeline import Pipeline
from mapper.session import Session
from mapper.sources import article_from_text
from mapper.types import ArticleAnalysis

SPRINGFIELD = "The council met in Springfield on Monday."
MAN = "Man charged after a man was stabbed downtown."  # Man, Côte d'Ivoire
CIRENCESTER = "Police in Cirencester closed the road."
CARACAS = "Thousands marched in Caracas, Venezuela, on Saturday."
PORTLAND = "Flooding hit Portland overnight."
VALENCIA_ES = "Fans in Valencia, Spain, cheered the team."
VALENCIA_VE = "Protesters in Valencia, Venezuela, blocked a road."
SPRINGFIELD_IL = "Lawmakers in Springfield, Illinois, passed the budget."


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline.blank(corrections=Corrections())


def analysed(pipeline: Pipeline, *texts: str) -> list[ArticleAnalysis]:
    return [pipeline.analyze(article_from_text(text)) for text in texts]


def queue_of(pipeline: Pipeline, *texts: str, corrections: Corrections | None = None):
    return review_queue(
        analysed(pipeline, *texts), pipeline.gazetteer, corrections, home_of=pipeline.home_of
    )


def item_named(items: list[ReviewItem], name: str) -> ReviewItem:
    found = [i for i in items if i.name == name]
    assert len(found) == 1, [(i.name, i.label) for i in items]
    return found[0]


def test_a_close_call_is_listed_with_its_alternatives_best_first(pipeline: Pipeline) -> None:
    (analysis,) = analysed(pipeline, SPRINGFIELD)
    item = item_named(review_queue([analysis], pipeline.gazetteer), "Springfield")
    assert [r.kind for r in item.reasons] == ["close_call"]
    assert item.reasons[0].text.startswith(f"close call: {item.score:.2f} vs ")
    # Springfield, Missouri barely beat the other Springfields: they are the choices.
    assert item.place.admin1 == "Missouri"
    alternatives = [a.place for a in item.alternatives]
    assert item.place not in alternatives
    assert {p.admin1 for p in alternatives[:2]} == {"Massachusetts", "Illinois"}
    shares = [a.share for a in item.alternatives]
    assert all(s is not None for s in shares)
    assert shares == sorted(shares, reverse=True)  # type: ignore[type-var]
    assert shares[0] >= 0.5 * item.score  # type: ignore[operator]
    assert item.alternatives[0].label == (
        "Springfield, Massachusetts, United States (pop. 154,341)"
    )
    # The example is the sentence, with offsets into the article's own text.
    text = analysis.article.text
    assert item.example.text == text[item.example.start : item.example.end] == SPRINGFIELD
    assert text[item.example.mention_start : item.example.mention_end] == "Springfield"


def test_a_corrected_or_confirmed_name_leaves_the_queue(pipeline: Pipeline) -> None:
    item = item_named(queue_of(pipeline, SPRINGFIELD, MAN), "Springfield")
    confirmed = Corrections().with_correction("springfield", item.place.id)
    names = [i.name for i in queue_of(pipeline, SPRINGFIELD, MAN, corrections=confirmed)]
    assert names == ["Man"]


def test_a_confident_capital_is_not_listed(pipeline: Pipeline) -> None:
    assert queue_of(pipeline, CARACAS) == []


def test_a_common_word_town_found_by_the_gazetteer_alone_is_listed(pipeline: Pipeline) -> None:
    item = item_named(queue_of(pipeline, MAN), "Man")
    assert item.place.country_code == "CI"
    assert "also a common word" in [r.text for r in item.reasons]
    assert item.alternatives and all(a.place.name == "Man" for a in item.alternatives)
    # Without any word list, the article writing "a man" says it is a word.
    (analysis,) = analysed(pipeline, MAN)
    bare = review_queue([analysis], pipeline.gazetteer, words=CommonWords())
    assert "common_word" in [r.kind for r in item_named(bare, "Man").reasons]


def test_a_small_town_named_once_by_the_gazetteer_alone_is_listed(pipeline: Pipeline) -> None:
    item = item_named(queue_of(pipeline, CIRENCESTER), "Cirencester")
    assert [r.text for r in item.reasons] == ["one mention only, found by the gazetteer alone"]
    assert item.mentions == item.articles == 1
    # Named twice, it is no longer a weak mention.
    assert queue_of(pipeline, CIRENCESTER + " Cirencester was quiet.") == []


def test_a_big_town_the_model_tagged_is_no_common_word(pipeline: Pipeline) -> None:
    words, gazetteer = CommonWords.installed(), pipeline.gazetteer
    matches = gazetteer.matches("Mobile")  # Alabama's port; a word on the not-places list
    mobile = max((m.place for m in matches), key=lambda p: p.population)
    assert words.is_common("Mobile", mobile, matches, gazetteer=gazetteer)
    assert not words.is_common("Mobile", mobile, matches, gazetteer=gazetteer, tagged=True)
    # The article writing it in lower case settles it, tagged or not.
    texts = ["Police seized mobile phones in Mobile."]
    assert words.is_common("Mobile", mobile, matches, texts, gazetteer=gazetteer, tagged=True)


def test_the_installed_word_list_knows_words_from_names() -> None:
    from mapper.text.nlp import available_model

    words = CommonWords.installed()
    assert words.is_word("the") and not words.is_word("Barquisimeto")  # stop words always
    if available_model() is None:
        pytest.skip("no English model installed: only the stop words are known")
    assert words.is_word("market") and words.is_word("slide") and words.is_word("man")
    assert not words.is_word("Guaido") and not words.is_word("Hialeah")


def test_a_nameless_province_beating_a_big_city_is_listed_with_the_city_first(
    pipeline: Pipeline,
) -> None:
    item = item_named(queue_of(pipeline, PORTLAND), "Portland")
    assert item.place.kind == "admin1" and item.place.country == "Jamaica"
    assert [r.kind for r in item.reasons] == ["bigger_namesake"]
    assert item.alternatives[0].label == "Portland, Oregon, United States (pop. 652,503)"


def test_a_doubtful_name_placed_apart_elsewhere_offers_that_place_first(
    pipeline: Pipeline,
) -> None:
    items = queue_of(pipeline, SPRINGFIELD, SPRINGFIELD_IL)
    (item,) = [i for i in items if i.name == "Springfield"]  # Illinois' is no doubt
    assert item.place.admin1 == "Missouri"
    assert [r.kind for r in item.reasons] == ["close_call", "placed_apart"]
    assert item.reasons[1].text.startswith("elsewhere placed at Springfield, Illinois")
    assert item.alternatives[0].place.admin1 == "Illinois"


def test_a_name_placed_apart_is_no_doubt_on_its_own(pipeline: Pipeline) -> None:
    """Local papers name different Parises: two clear choices are both listed nowhere."""
    assert queue_of(pipeline, VALENCIA_ES, VALENCIA_VE) == []


def test_labels_name_the_province_country_and_population(pipeline: Pipeline) -> None:
    athens = next(
        p for p in pipeline.gazetteer.lookup("Athens") if p.admin1 == "Georgia" and p.kind == "city"
    )
    assert place_label(athens) == "Athens, Georgia, United States (pop. 127,315)"
    georgia = pipeline.gazetteer.country("GE")
    assert georgia is not None
    assert place_label(georgia).startswith("Georgia (country, pop. ")


def test_deciding_many_at_once_reanalyses_once_and_moves_the_pins(
    tmp_path: Path, pipeline: Pipeline
) -> None:
    own = Pipeline.blank(corrections=Corrections())  # the session changes its corrections
    session = Session(corrections_file=tmp_path / "corrections.json")
    session.use_pipeline(own, Corrections())
    session.add_analyses(analysed(own, SPRINGFIELD, MAN, PORTLAND, CARACAS))
    queue = review_queue(session.atlas, own.gazetteer, session.corrections_in_effect())
    springfield = item_named(queue, "Springfield")
    portland = item_named(queue, "Portland")
    illinois = next(a.place for a in springfield.alternatives if a.place.admin1 == "Illinois")
    oregon = portland.alternatives[0].place
    assert session.correct_many({"Springfield": illinois.id, "Man": None, "Portland": oregon.id})
    # One re-analysis: every open article queued once (not once per decision).
    assert sorted(a.id for a in session.queue) == sorted(a.id for a in session.atlas.articles)
    saved = Corrections.load(tmp_path / "corrections.json")
    assert saved["springfield"].place_id == illinois.id and saved["man"].place_id is None
    session.add_analyses(own.analyze(article) for article in session.take_queue())  # type: ignore[arg-type]
    pinned = {r.mention.surface: r.place for r in session.atlas.mentions()}
    assert pinned["Springfield"] == illinois
    assert pinned["Portland"] == oregon
    assert "Man" not in pinned
    assert pinned["Caracas"].country == "Venezuela"
    after = review_queue(session.atlas, own.gazetteer, session.corrections_in_effect())
    assert after == []


def test_nothing_to_decide_changes_nothing(tmp_path: Path) -> None:
    session = Session(corrections_file=tmp_path / "corrections.json")
    session.use_pipeline(Pipeline.blank(corrections=Corrections()), Corrections())
    assert not session.correct_many({})
    assert not (tmp_path / "corrections.json").exists()
    assert not session.has_queued


def test_the_command_line_prints_the_queue(tmp_path: Path, capsys) -> None:
    article = tmp_path / "local.txt"
    # Article text is hostile: a terminal escape must come out escaped.
    article.write_text(SPRINGFIELD + "\x1b[2J\n" + MAN + "\n", encoding="utf-8")
    assert main(["review", "--no-model", "--no-cache", str(article)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("2 doubtful places in 1 article:")
    assert "Springfield → Springfield, Missouri, United States" in out
    assert "why: also a common word" in out
    assert "or Springfield, " in out
    assert "\x1b" not in out and "\\x1b" in out

    assert main(["review", "--no-model", "--no-cache", "--json", str(article)]) == 0
    items = json.loads(capsys.readouterr().out)
    assert sorted(i["name"] for i in items) == ["Man", "Springfield"]
    (man,) = (i for i in items if i["name"] == "Man")
    assert "common_word" in {r["kind"] for r in man["reasons"]}
    text = article.read_text(encoding="utf-8")
    example = man["example"]
    assert text[example["mention_start"] : example["mention_end"]] == "Man"
    assert text[example["start"] : example["end"]] == example["text"] == MAN
    assert man["alternatives"][0]["label"].startswith("Man, ")


def test_the_command_line_leaves_out_corrected_names(tmp_path: Path, capsys) -> None:
    article = tmp_path / "local.txt"
    article.write_text(MAN, encoding="utf-8")
    corrections = tmp_path / "mine.json"
    Corrections().with_correction("Man", None).save(corrections)
    args = ["review", "--no-model", "--no-cache", "--corrections", str(corrections)]
    assert main([*args, str(article)]) == 0
    assert capsys.readouterr().out.strip() == "No doubtful places in 1 article."


def test_items_as_json_keep_every_alternative(pipeline: Pipeline) -> None:
    item = item_named(queue_of(pipeline, SPRINGFIELD), "Springfield")
    record = item_to_json(item)
    assert json.loads(json.dumps(record)) == record
    assert len(record["alternatives"]) == len(item.alternatives) == 8
    assert record["place"]["id"] == item.place.id
