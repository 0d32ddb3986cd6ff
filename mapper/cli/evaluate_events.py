"""How well the event tagger names the event type of labelled texts (ACLED-style JSONL).

Each line of the file is a JSON object with at least ``text`` and ``label``.
Labels use ACLED's names, old or new; :func:`acled_type` maps them onto the six
ACLED types of the taxonomy:

- "Remote violence" → Explosions/Remote violence; "Battle-…" → Battles;
- "Strategic development", "Non-violent transfer of territory",
  "Headquarters or base established" → Strategic developments;
- "Riots/Protests" (older data did not tell them apart) → either: a prediction
  of Protests or Riots is correct and counts as a true positive of the
  predicted type; any other prediction (or none) is a false negative of
  Protests (and a false positive of what was predicted).

The prediction for a record is the tagger's best-scored type among the six
ACLED types (:meth:`EventTagger.top_type` with ``among``): the labels know no
other types, so "Diplomacy & statements" is never an answer here. The score is
the macro-F1 over the six types; a type with neither gold records nor
predictions has no F1 and is left out of the average (the report says so).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.events.tagger import EventTagger
from mapper.text.nlp import sentences_of

if TYPE_CHECKING:
    from spacy.language import Language

PROTESTS = "Protests"
RIOTS = "Riots"
BATTLES = "Battles"
EXPLOSIONS = "Explosions/Remote violence"
CIVILIANS = "Violence against civilians"
STRATEGIC = "Strategic developments"
#: The six ACLED event types, in the taxonomy's order.
ACLED_TYPES: tuple[str, ...] = (PROTESTS, RIOTS, BATTLES, EXPLOSIONS, CIVILIANS, STRATEGIC)
#: Gold label meaning "Protests or Riots" (ACLED before 2019).
PROTESTS_OR_RIOTS = "Protests|Riots"
#: The confusion-table key for records without any prediction.
NO_PREDICTION = "(none)"

_LABELS = {
    "protests": PROTESTS,
    "riots": RIOTS,
    "riots/protests": PROTESTS_OR_RIOTS,
    "battles": BATTLES,
    "remote violence": EXPLOSIONS,
    "explosions/remote violence": EXPLOSIONS,
    "violence against civilians": CIVILIANS,
    "strategic development": STRATEGIC,
    "strategic developments": STRATEGIC,
    "non-violent transfer of territory": STRATEGIC,
    "headquarters or base established": STRATEGIC,
}


def acled_type(label: str) -> str | None:
    """The taxonomy type of an ACLED label (or :data:`PROTESTS_OR_RIOTS`); None if unknown."""
    key = " ".join(label.lower().split())
    if key.startswith("battle"):
        return BATTLES
    return _LABELS.get(key)


def read_records(path: Path, limit: int = 0) -> Iterator[tuple[str, str]]:
    """(text, label) of each JSON line with both, at most ``limit`` of them (0: all)."""
    count = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            text, label = record.get("text"), record.get("label")
            if not isinstance(text, str) or not isinstance(label, str):
                continue
            yield text, label
            count += 1
            if limit and count >= limit:
                return


def evaluate_events(
    path: Path, tagger: EventTagger, nlp: Language, limit: int = 0
) -> dict[str, Any]:
    """Tag every record of a JSONL file and score the best ACLED type against its label.

    Returns a JSON-ready report: ``macro_f1``, ``per_type`` (precision,
    recall, f1, support, tp/fp/fn), ``confusion`` (gold → predicted →
    count), ``coverage`` (share of records with a prediction), ``records``,
    ``skipped`` (unknown labels), ``records_per_second`` (spaCy and tagging)
    and ``tag_ms_per_record`` (tagging alone).
    """
    records = list(read_records(path, limit))
    known = [(text, gold) for text, label in records if (gold := acled_type(label))]
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    confusion: dict[str, Counter[str]] = {}
    predicted_any = 0
    tag_seconds = 0.0
    started = time.perf_counter()
    for doc, gold in nlp.pipe(known, as_tuples=True, batch_size=256):
        tag_start = time.perf_counter()
        predicted = tagger.top_type(doc, sentences_of(doc), among=ACLED_TYPES)
        tag_seconds += time.perf_counter() - tag_start
        confusion.setdefault(gold, Counter())[predicted or NO_PREDICTION] += 1
        if predicted is not None:
            predicted_any += 1
        if gold == PROTESTS_OR_RIOTS:
            correct = predicted in (PROTESTS, RIOTS)
            gold = predicted if correct and predicted else PROTESTS
        else:
            correct = predicted == gold
        if correct and predicted:
            tp[predicted] += 1
        else:
            fn[gold] += 1
            if predicted:
                fp[predicted] += 1
    elapsed = time.perf_counter() - started
    per_type: dict[str, dict[str, Any]] = {}
    f1s: list[float] = []
    for name in ACLED_TYPES:
        support = tp[name] + fn[name]
        predictions = tp[name] + fp[name]
        precision = tp[name] / predictions if predictions else None
        recall = tp[name] / support if support else None
        f1: float | None
        if not support and not predictions:
            f1 = None  # nothing to find and nothing claimed: no score either way
        elif not tp[name]:
            f1 = 0.0
        else:
            assert precision is not None and recall is not None
            f1 = 2 * precision * recall / (precision + recall)
        if f1 is not None:
            f1s.append(f1)
        per_type[name] = {
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support,
            "tp": tp[name],
            "fp": fp[name],
            "fn": fn[name],
        }
    total = len(known)
    return {
        "file": str(path),
        "records": total,
        "skipped": len(records) - total,
        "macro_f1": sum(f1s) / len(f1s) if f1s else 0.0,
        "types_in_macro_f1": [name for name in ACLED_TYPES if per_type[name]["f1"] is not None],
        "per_type": per_type,
        "confusion": {gold: dict(row.most_common()) for gold, row in sorted(confusion.items())},
        "coverage": predicted_any / total if total else 0.0,
        "records_per_second": total / elapsed if elapsed > 0 else 0.0,
        "tag_ms_per_record": 1000 * tag_seconds / total if total else 0.0,
    }


def print_report(report: dict[str, Any]) -> None:
    """Print a report of :func:`evaluate_events` as plain-text tables."""

    def number(value: float | None) -> str:
        return "   —" if value is None else f"{value:.3f}"

    print(
        f"{report['file']}: {report['records']} records"
        + (f" ({report['skipped']} with unknown labels skipped)" if report["skipped"] else "")
    )
    print(
        f"macro-F1 over {len(report['types_in_macro_f1'])} ACLED types: "
        f"{report['macro_f1']:.3f}   coverage {report['coverage']:.1%}   "
        f"{report['records_per_second']:.0f} records/s "
        f"(tagging {report['tag_ms_per_record']:.2f} ms/record)"
    )
    print()
    print(f"{'type':<30} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}")
    for name, row in report["per_type"].items():
        print(
            f"{name:<30} {number(row['precision']):>6} {number(row['recall']):>6} "
            f"{number(row['f1']):>6} {row['support']:>8}"
        )
    print()
    print("confusion (gold → predicted: count)")
    for gold, row in report["confusion"].items():
        cells = ", ".join(f"{predicted} {count}" for predicted, count in row.items())
        print(f"  {gold}: {cells}")
