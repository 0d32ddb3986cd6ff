"""Geoparsing evaluation on annotated news corpora (``python -m mapper evaluate FILE``).

Reads GeoWebNews XML (``<article><text/><toponyms><toponym><start/><end/>
<latitude/><longitude/>…``), the LGL-style format (``<toponym><start/><end/>
<gaztag><lat/><lon/></gaztag>``) or a folder of ``.txt`` articles with inline
markup (``[Athens]{33.9609,-83.3779}`` for a toponym and its gold point,
``[Georgian]{-}`` for a span that counts neither way; see
tests/data/localnews/README.md), runs the pipeline end to end from raw text
and scores it.

Metric definitions (as in Gritta et al. 2018/2019):

- gold set: annotated toponyms *with* coordinates; a gold toponym is matched by
  the first not-yet-used predicted mention whose span overlaps it (one-to-one);
  an unmatched gold toponym is a false negative;
- a predicted mention that matches no gold toponym is a false positive, unless
  it overlaps an annotated span without coordinates (demonyms, expressions…),
  which counts neither way;
- precision, recall and F1 from those counts;
- over matched toponyms: great-circle error (km) between predicted and gold
  points; accuracy@161 = share of errors ≤ 161 km; AUC = mean of
  ln(1 + error) / ln(1 + 20039) (lower is better); mean and median error;
- strict accuracy@161 = matched and within 161 km, over all gold toponyms.

Offsets: some corpora count from 1; each article's offsets are checked against
the annotated names and shifted when that fits better.
"""

from __future__ import annotations

import math
import re
import statistics
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mapper.errors import DatelineError
from mapper.pipeline import Pipeline
from mapper.sources import article_from_text
from mapper.types import Place, ResolvedMention

EARTH_RADIUS_KM = 6371.0088
MAX_ERROR_KM = 20039.0
ACCURACY_KM = 161.0


@dataclass(frozen=True)
class GoldToponym:
    """One annotated toponym; ``lat``/``lon`` are None when it has no coordinates."""

    start: int
    end: int
    name: str
    type: str
    lat: float | None
    lon: float | None

    @property
    def geocoded(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class GoldArticle:
    """An annotated article."""

    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]


@dataclass(frozen=True)
class ScoredError:
    """One scoring error, for listing: a false positive, a miss, or a far pin."""

    kind: str  # "false_positive" | "missed" | "far"
    article: str
    start: int
    name: str
    pinned: str = ""  # the place we pinned ("" for a miss)
    km: float | None = None  # how far the pin is from the gold point (far pins only)

    def line(self) -> str:
        """The error as one readable line."""
        where = f"{self.article}@{self.start}"
        if self.kind == "missed":
            return f"missed          {where}: {self.name}"
        if self.kind == "far":
            return f"far ({self.km:,.0f} km) {where}: {self.name} → {self.pinned}"
        return f"false positive  {where}: {self.name} → {self.pinned}"


@dataclass
class Score:
    """Counts and errors accumulated over a corpus."""

    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    errors_km: list[float] = field(default_factory=list)
    gold_by_type: Counter[str] = field(default_factory=Counter)
    found_by_type: Counter[str] = field(default_factory=Counter)
    near_by_type: Counter[str] = field(default_factory=Counter)
    false_positive_names: Counter[str] = field(default_factory=Counter)
    missed_names: Counter[str] = field(default_factory=Counter)
    far_names: Counter[str] = field(default_factory=Counter)
    errors: list[ScoredError] = field(default_factory=list)
    articles: int = 0
    seconds: float = 0.0

    def report(self) -> dict[str, Any]:
        """The metrics as a JSON-ready dict."""
        tp, fp, fn = self.true_positives, self.false_positives, self.false_negatives
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        errors = self.errors_km
        near = sum(e <= ACCURACY_KM for e in errors)
        return {
            "articles": self.articles,
            "gold_toponyms": tp + fn,
            "predicted": tp + fp,
            "true_positives": tp,
            "false_positives": fp,
            "false_negatives": fn,
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "accuracy_at_161": round(near / len(errors), 4) if errors else 0.0,
            "auc": round(
                statistics.fmean(math.log1p(e) / math.log1p(MAX_ERROR_KM) for e in errors), 4
            )
            if errors
            else 0.0,
            "mean_error_km": round(statistics.fmean(errors), 1) if errors else 0.0,
            "median_error_km": round(statistics.median(errors), 1) if errors else 0.0,
            "strict_accuracy_at_161": round(near / (tp + fn), 4) if tp + fn else 0.0,
            "articles_per_s": round(self.articles / self.seconds, 2) if self.seconds else 0.0,
            "recall_by_type": {
                t: f"{self.found_by_type[t]}/{n} found, {self.near_by_type[t]} within 161 km"
                for t, n in self.gold_by_type.most_common()
            },
            "top_false_positives": self.false_positive_names.most_common(15),
            "top_missed": self.missed_names.most_common(15),
            "top_far": self.far_names.most_common(15),
        }


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# -- reading corpora -------------------------------------------------------------------


def read_corpus(path: Path) -> list[GoldArticle]:
    """Articles from a GeoWebNews or LGL-style XML file, or a folder of marked-up .txt."""
    if path.is_dir():
        return read_marked_folder(path)
    root = ET.parse(path).getroot()  # noqa: S314 -- a local evaluation file the user names
    articles: list[GoldArticle] = []
    for index, element in enumerate(root.iter("article")):
        text = element.findtext("text") or ""
        parsed = (_toponym(t) for t in element.iter("toponym"))
        toponyms = _realign(text, [t for t in parsed if t is not None])
        articles.append(
            GoldArticle(
                id=element.get("file") or element.get("docid") or str(index),
                text=text,
                toponyms=tuple(toponyms),
            )
        )
    return articles


class MarkupError(DatelineError, ValueError):
    """Inline markup that cannot be read; the message names the file and line."""


#: ``[surface]{lat,lon}`` or ``[surface]{-}``: the surface holds no brackets or newline.
_MARK = re.compile(r"\[([^\[\]{}\n]+)\]\{([^{}\[\]\n]*)\}")
_POINT = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*")


def read_marked_folder(folder: Path) -> list[GoldArticle]:
    """Articles from every ``*.txt`` file in ``folder`` (sorted by name), markup stripped."""
    files = sorted(p for p in folder.glob("*.txt") if p.is_file())
    if not files:
        raise MarkupError(f"{folder}: no .txt articles in the folder")
    return [read_marked_text(p.read_text(encoding="utf-8"), p.name) for p in files]


def read_marked_text(marked: str, name: str) -> GoldArticle:
    """One article from marked-up text: the text without markup, offsets into that text.

    Any bracket or brace left outside a well-formed mark is an error (naming ``name`` and
    the line), so a typo cannot silently drop a gold toponym.
    """
    parts: list[str] = []
    toponyms: list[GoldToponym] = []
    length = 0  # of the stripped text so far
    cursor = 0  # in the marked text
    for mark in _MARK.finditer(marked):
        before = marked[cursor : mark.start()]
        _check_plain(before, marked, cursor, name)
        parts.append(before)
        length += len(before)
        surface, point = mark.group(1), mark.group(2)
        lat = lon = None
        if point.strip() != "-":
            numbers = _POINT.fullmatch(point)
            if numbers is None:
                raise MarkupError(
                    f"{name}, line {_line(marked, mark.start())}: "
                    f"[{surface}]{{{point}}} needs {{lat,lon}} or {{-}}"
                )
            lat, lon = float(numbers.group(1)), float(numbers.group(2))
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise MarkupError(
                    f"{name}, line {_line(marked, mark.start())}: "
                    f"[{surface}] has a point off the globe ({point})"
                )
        toponyms.append(
            GoldToponym(
                start=length,
                end=length + len(surface),
                name=surface,
                type="Literal" if lat is not None else "Uncoded",
                lat=lat,
                lon=lon,
            )
        )
        parts.append(surface)
        length += len(surface)
        cursor = mark.end()
    rest = marked[cursor:]
    _check_plain(rest, marked, cursor, name)
    parts.append(rest)
    return GoldArticle(id=name, text="".join(parts), toponyms=tuple(toponyms))


def _check_plain(chunk: str, marked: str, offset: int, name: str) -> None:
    """Raise :class:`MarkupError` at the first bracket or brace in unmarked text."""
    stray = re.search(r"[\[\]{}]", chunk)
    if stray is not None:
        position = offset + stray.start()
        line_start = marked.rfind("\n", 0, position) + 1
        line_end = marked.find("\n", position)
        line_end = len(marked) if line_end < 0 else line_end
        near = marked[max(line_start, position - 40) : min(line_end, position + 40)]
        raise MarkupError(
            f"{name}, line {_line(marked, position)}: malformed markup at "
            f"{stray.group()!r} in …{near}…"
        )


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _toponym(element: ET.Element) -> GoldToponym | None:
    start, end = element.findtext("start"), element.findtext("end")
    if not start or not end:
        return None
    name = element.findtext("extractedName") or element.findtext("phrase") or ""
    lat = element.findtext("latitude") or element.findtext("gaztag/lat") or ""
    lon = element.findtext("longitude") or element.findtext("gaztag/lon") or ""
    return GoldToponym(
        start=int(start),
        end=int(end),
        name=name.strip(),
        type=(element.findtext("type") or "Literal").strip(),
        lat=float(lat) if lat.strip() else None,
        lon=float(lon) if lon.strip() else None,
    )


def _realign(text: str, toponyms: list[GoldToponym]) -> list[GoldToponym]:
    """Shift offsets by the amount (0, -1, +1) under which most names match the text."""

    def fits(shift: int) -> int:
        return sum(text[t.start + shift : t.end + shift] == t.name for t in toponyms)

    shift = max((0, -1, 1), key=fits)
    if shift == 0:
        return toponyms
    return [
        GoldToponym(t.start + shift, t.end + shift, t.name, t.type, t.lat, t.lon) for t in toponyms
    ]


# -- scoring --------------------------------------------------------------------------


def score_article(gold: GoldArticle, predicted: Sequence[ResolvedMention], score: Score) -> None:
    """Add one article's counts to ``score``."""
    geocoded = [t for t in gold.toponyms if t.geocoded]
    uncoded = [t for t in gold.toponyms if not t.geocoded]
    used: set[int] = set()
    for toponym in geocoded:
        score.gold_by_type[toponym.type] += 1
        match = next(
            (
                i
                for i, p in enumerate(predicted)
                if i not in used and p.mention.start < toponym.end and toponym.start < p.mention.end
            ),
            None,
        )
        if match is None:
            score.false_negatives += 1
            score.missed_names[toponym.name] += 1
            score.errors.append(ScoredError("missed", gold.id, toponym.start, toponym.name))
            continue
        used.add(match)
        score.true_positives += 1
        score.found_by_type[toponym.type] += 1
        place = predicted[match].place
        assert toponym.lat is not None and toponym.lon is not None
        error = great_circle_km(place.lat, place.lon, toponym.lat, toponym.lon)
        score.errors_km.append(error)
        if error <= ACCURACY_KM:
            score.near_by_type[toponym.type] += 1
        else:
            # a region ("Middle East") has no country: no comma then
            pinned = ", ".join(part for part in (place.name, place.country) if part)
            score.far_names[f"{toponym.name} → {pinned}"] += 1
            score.errors.append(
                ScoredError(
                    "far", gold.id, toponym.start, toponym.name, _pinned(place), round(error, 1)
                )
            )
    for i, p in enumerate(predicted):
        if i in used:
            continue
        if any(p.mention.start < t.end and t.start < p.mention.end for t in uncoded):
            continue
        score.false_positives += 1
        score.false_positive_names[p.mention.surface] += 1
        score.errors.append(
            ScoredError(
                "false_positive", gold.id, p.mention.start, p.mention.surface, _pinned(p.place)
            )
        )


def _pinned(place: Place) -> str:
    where = ", ".join(part for part in (place.name, place.admin1, place.country) if part)
    return f"{where} ({place.lat:.2f}, {place.lon:.2f})"


def evaluate(articles: Iterable[GoldArticle], pipeline: Pipeline) -> Score:
    """Run the pipeline over the articles (from their raw text) and score it."""
    articles = list(articles)
    score = Score()
    started = time.perf_counter()
    inputs = (article_from_text(a.text, source=a.id) for a in articles)
    for gold, analysis in zip(articles, pipeline.analyze_many(inputs), strict=True):
        predicted = sorted(analysis.places, key=lambda r: r.mention.start)
        score_article(gold, predicted, score)
        score.articles += 1
    score.seconds = time.perf_counter() - started
    return score
