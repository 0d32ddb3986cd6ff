"""Score :func:`find_timexes` on TimeML documents the way TempEval-3 does.

Each ``.tml`` file holds a ``<DCT>`` (the article's date: the anchor, not
scored) and a ``<TEXT>`` with inline ``<TIMEX3>`` (and ``<EVENT>``,
``<SIGNAL>``) tags. The plain text is ``<TEXT>`` with every tag removed and
entities decoded; gold timexes are character spans of that plain text.

Scores, as in TempEval-3:

- strict extent match: the same span; relaxed: the spans overlap, matched
  one-to-one in text order. Precision, recall and F1 for both.
- type and value accuracy over the relaxed matches; value F1 (the headline
  figure) = relaxed F1 × value accuracy.
- overall, and for DATE/TIME alone (gold and found timexes of those types).
"""

from __future__ import annotations

import argparse
import datetime
import html
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from mapper.time.finder import find_timexes
from mapper.time.timex import Timex, TimexType

_TAG = re.compile(r"<(/?)([A-Za-z0-9_]+)([^>]*)>")
_ATTRIBUTE = re.compile(r'([A-Za-z_]+)="([^"]*)"')
_DCT = re.compile(r"<DCT>.*?\bvalue=\"(\d{4})-?(\d\d)-?(\d\d)", re.DOTALL)
#: How many of the most frequent errors of each kind the report lists.
TOP_ERRORS = 40
#: Timing passes over the documents; the report gives the fastest.
TIMING_RUNS = 5


@dataclass(frozen=True)
class GoldDocument:
    """One TimeML document: its plain text, its date and its gold timexes."""

    name: str
    text: str
    anchor: datetime.date | None
    timexes: tuple[Timex, ...]


@dataclass(frozen=True)
class Scores:
    """TempEval-3 figures for one selection of timexes (all, or DATE/TIME only)."""

    gold: int
    found: int
    strict_matches: int
    relaxed_matches: int
    type_correct: int
    value_correct: int

    @staticmethod
    def _f1(precision: float, recall: float) -> float:
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    @property
    def strict_precision(self) -> float:
        return self.strict_matches / self.found if self.found else 0.0

    @property
    def strict_recall(self) -> float:
        return self.strict_matches / self.gold if self.gold else 0.0

    @property
    def strict_f1(self) -> float:
        return self._f1(self.strict_precision, self.strict_recall)

    @property
    def relaxed_precision(self) -> float:
        return self.relaxed_matches / self.found if self.found else 0.0

    @property
    def relaxed_recall(self) -> float:
        return self.relaxed_matches / self.gold if self.gold else 0.0

    @property
    def relaxed_f1(self) -> float:
        return self._f1(self.relaxed_precision, self.relaxed_recall)

    @property
    def type_accuracy(self) -> float:
        return self.type_correct / self.relaxed_matches if self.relaxed_matches else 0.0

    @property
    def value_accuracy(self) -> float:
        return self.value_correct / self.relaxed_matches if self.relaxed_matches else 0.0

    @property
    def value_f1(self) -> float:
        return self.relaxed_f1 * self.value_accuracy

    def figures(self) -> dict[str, float | int]:
        """The counts and every derived figure, for JSON."""
        return {
            **asdict(self),
            "strict_precision": self.strict_precision,
            "strict_recall": self.strict_recall,
            "strict_f1": self.strict_f1,
            "relaxed_precision": self.relaxed_precision,
            "relaxed_recall": self.relaxed_recall,
            "relaxed_f1": self.relaxed_f1,
            "type_accuracy": self.type_accuracy,
            "value_accuracy": self.value_accuracy,
            "value_f1": self.value_f1,
        }


@dataclass(frozen=True)
class DatesReport:
    """How :func:`find_timexes` did on a set of TimeML documents."""

    documents: int
    characters: int
    seconds: float
    overall: Scores
    date_time: Scores
    #: Most frequent misses, spurious finds and wrong values, as (description, count).
    false_negatives: tuple[tuple[str, int], ...] = field(default=())
    false_positives: tuple[tuple[str, int], ...] = field(default=())
    wrong_values: tuple[tuple[str, int], ...] = field(default=())

    @property
    def articles_per_second(self) -> float:
        return self.documents / self.seconds if self.seconds else 0.0

    def to_json(self) -> str:
        """The report as a JSON document."""
        payload = {
            "documents": self.documents,
            "characters": self.characters,
            "seconds": self.seconds,
            "articles_per_second": self.articles_per_second,
            "overall": self.overall.figures(),
            "date_time": self.date_time.figures(),
            "false_negatives": [list(item) for item in self.false_negatives],
            "false_positives": [list(item) for item in self.false_positives],
            "wrong_values": [list(item) for item in self.wrong_values],
        }
        return json.dumps(payload, indent=2)


def parse_tml(path: Path) -> GoldDocument:
    """The plain text, DCT anchor and gold timexes of one TimeML file."""
    source = path.read_text(encoding="utf-8")
    dct = _DCT.search(source)
    anchor = datetime.date(int(dct[1]), int(dct[2]), int(dct[3])) if dct else None
    opening = source.find("<TEXT>")
    closing = source.find("</TEXT>")
    body = source[opening + len("<TEXT>") : closing] if 0 <= opening < closing else ""
    pieces: list[str] = []
    length = 0
    open_timexes: list[tuple[dict[str, str], int]] = []
    spans: list[tuple[int, int, dict[str, str]]] = []
    position = 0
    for tag in _TAG.finditer(body):
        piece = html.unescape(body[position : tag.start()])
        pieces.append(piece)
        length += len(piece)
        position = tag.end()
        if tag[2] != "TIMEX3":
            continue
        if tag[1]:
            if open_timexes:
                attributes, start = open_timexes.pop()
                spans.append((start, length, attributes))
        elif not tag[3].rstrip().endswith("/"):
            open_timexes.append((dict(_ATTRIBUTE.findall(tag[3])), length))
    pieces.append(html.unescape(body[position:]))
    text = "".join(pieces)
    timexes = tuple(
        Timex(start, end, text[start:end], _timex_type(attributes), attributes.get("value", ""))
        for start, end, attributes in sorted(spans, key=lambda span: span[:2])
    )
    return GoldDocument(path.stem, text, anchor, timexes)


def _timex_type(attributes: dict[str, str]) -> TimexType:
    kind = attributes.get("type", "DATE")
    if kind == "TIME":
        return "TIME"
    if kind == "DURATION":
        return "DURATION"
    if kind == "SET":
        return "SET"
    return "DATE"


def _relaxed_pairs(gold: Sequence[Timex], found: Sequence[Timex]) -> Iterator[tuple[Timex, Timex]]:
    """One-to-one pairs of overlapping gold and found timexes, in text order."""
    index = 0
    for expected in gold:
        while index < len(found) and found[index].end <= expected.start:
            index += 1
        if index < len(found) and found[index].start < expected.end:
            yield expected, found[index]
            index += 1


@dataclass
class _Tally:
    gold: int = 0
    found: int = 0
    strict: int = 0
    relaxed: int = 0
    type_correct: int = 0
    value_correct: int = 0

    def add(self, gold: Sequence[Timex], found: Sequence[Timex]) -> list[tuple[Timex, Timex]]:
        self.gold += len(gold)
        self.found += len(found)
        found_spans = {(timex.start, timex.end) for timex in found}
        self.strict += sum((timex.start, timex.end) in found_spans for timex in gold)
        pairs = list(_relaxed_pairs(gold, found))
        self.relaxed += len(pairs)
        self.type_correct += sum(expected.type == got.type for expected, got in pairs)
        self.value_correct += sum(expected.value == got.value for expected, got in pairs)
        return pairs

    def scores(self) -> Scores:
        return Scores(
            self.gold, self.found, self.strict, self.relaxed, self.type_correct, self.value_correct
        )


def tml_files(paths: Sequence[Path]) -> list[Path]:
    """The ``.tml`` files named, and those inside the folders named, sorted."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.tml")) if path.is_dir() else [path])
    return files


def _best_time(documents: Sequence[GoldDocument], runs: int = TIMING_RUNS) -> float:
    """Seconds :func:`find_timexes` takes over all documents, the best of ``runs``
    passes (the least disturbed by whatever else the machine is doing)."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        for document in documents:
            find_timexes(document.text, document.anchor)
        best = min(best, time.perf_counter() - started)
    return best if documents else 0.0


def evaluate_dates(paths: Sequence[Path]) -> DatesReport:
    """Run :func:`find_timexes` on TimeML files (or folders of them) and score it."""
    documents = [parse_tml(path) for path in tml_files(paths)]
    overall, date_time = _Tally(), _Tally()
    misses: Counter[str] = Counter()
    spurious: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for document in documents:
        found = find_timexes(document.text, document.anchor)
        pairs = overall.add(document.timexes, found)
        date_time.add(
            [timex for timex in document.timexes if timex.type in ("DATE", "TIME")],
            [timex for timex in found if timex.type in ("DATE", "TIME")],
        )
        matched_gold = {id(expected) for expected, _ in pairs}
        matched_found = {id(got) for _, got in pairs}
        misses.update(
            f"{timex.text.lower()!r} {timex.type}"
            for timex in document.timexes
            if id(timex) not in matched_gold
        )
        spurious.update(
            f"{timex.text.lower()!r} {timex.type}"
            for timex in found
            if id(timex) not in matched_found
        )
        wrong.update(
            f"{got.text.lower()!r}: {got.value} (gold {expected.text.lower()!r} {expected.value})"
            for expected, got in pairs
            if expected.value != got.value
        )
    return DatesReport(
        documents=len(documents),
        seconds=_best_time(documents),
        characters=sum(len(document.text) for document in documents),
        overall=overall.scores(),
        date_time=date_time.scores(),
        false_negatives=tuple(misses.most_common(TOP_ERRORS)),
        false_positives=tuple(spurious.most_common(TOP_ERRORS)),
        wrong_values=tuple(wrong.most_common(TOP_ERRORS)),
    )


def format_report(report: DatesReport) -> str:
    """The report as a plain-text table followed by the most frequent errors."""
    lines = [
        f"{report.documents} documents, {report.characters:,} characters, "
        f"{report.articles_per_second:,.0f} articles/s "
        f"({1000 * report.seconds / max(report.documents, 1):.3f} ms each, "
        f"{5_000_000 * report.seconds / max(report.characters, 1):.3f} ms per 5,000 characters)",
        "",
        f"{'':10} {'gold':>5} {'found':>5}  {'strict P':>8} {'R':>5} {'F1':>5}  "
        f"{'relaxed P':>9} {'R':>5} {'F1':>5}  {'type':>5} {'value':>5}  {'value F1':>8}",
    ]
    for label, scores in (("overall", report.overall), ("DATE/TIME", report.date_time)):
        lines.append(
            f"{label:10} {scores.gold:5} {scores.found:5}  {scores.strict_precision:8.3f} "
            f"{scores.strict_recall:5.3f} {scores.strict_f1:5.3f}  "
            f"{scores.relaxed_precision:9.3f} {scores.relaxed_recall:5.3f} "
            f"{scores.relaxed_f1:5.3f}  {scores.type_accuracy:5.3f} "
            f"{scores.value_accuracy:5.3f}  {scores.value_f1:8.3f}"
        )
    for title, errors in (
        ("Most frequent misses (false negatives)", report.false_negatives),
        ("Most frequent spurious finds (false positives)", report.false_positives),
        ("Most frequent wrong values", report.wrong_values),
    ):
        if errors:
            lines += ["", title + ":"]
            lines += [f"  {count:4}  {description}" for description, count in errors]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the TempEval-3 style report for the given ``.tml`` files or folders."""
    parser = argparse.ArgumentParser(
        prog="evaluate-dates", description="Score the temporal tagger on TimeML files."
    )
    parser.add_argument("paths", nargs="+", type=Path, help=".tml files or folders of them")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    arguments = parser.parse_args(argv)
    missing = [str(path) for path in arguments.paths if not path.exists()]
    if missing:
        print(f"evaluate-dates: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    report = evaluate_dates(arguments.paths)
    if report.documents == 0:
        print("evaluate-dates: no .tml files found", file=sys.stderr)
        return 2
    print(report.to_json() if arguments.json else format_report(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
