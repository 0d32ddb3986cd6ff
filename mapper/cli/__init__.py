"""Command line: ``python -m mapper extract [--format jsonl] FILES…``, ``export``, ``evaluate``,
``evaluate-events``, ``evaluate-event-places``, ``evaluate-dates`` and ``review`` (the doubtful
places, :mod:`mapper.cli.review`).

``extract`` prints one JSON object per article on stdout (see
:func:`mapper.cli.jsonl.analysis_to_json`, with the article's ``home_region``: see
:func:`home_region_json`). ``export --to OUT`` writes the map of the
articles as PNG, PDF, HTML, GeoJSON, CSV or KML (:mod:`mapper.export`; PNG and PDF are
rendered by ``ui.snapshot`` in a subprocess, so this package never imports Qt).
Both take article files, folders of them and saved projects (``.dateline``: their
articles, with their corrections applied to that run only). A file that cannot be
read gives one line on stderr and the others go on; the exit status is 0 when every
file was mapped, 1 when some failed, 2 on bad usage. Every message on stderr goes
through :func:`_complain`, which escapes control characters (a file name can hold a
newline or a terminal escape sequence).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import math
import os
import re
import stat
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapper.cli.jsonl import analysis_to_json
from mapper.export.common import ExportError, ReportOptions, source_list
from mapper.export.layout import ORIENTATIONS, PAPERS, paper_size_css

if TYPE_CHECKING:
    from mapper.atlas import Atlas
    from mapper.export.registry import ExportFormat
    from mapper.filters import Filter
    from mapper.geo.corrections import Corrections
    from mapper.geo.home import HomeRegion, HomeSettings
    from mapper.pipeline import Pipeline
    from mapper.store.cache import AnalysisCache
    from mapper.store.project import Project
    from mapper.types import Article, ArticleAnalysis

#: What the FILE arguments of extract and export may be.
_FILES_HELP = "article files, folders to read recursively, or saved projects (.dateline)"
_PUBLISHED_HELP = (
    "publication day (YYYY-MM-DD) of the articles that give none of their own (nor a page "
    "date, dateline or date in the text: a file's modification day gives way to it)"
)


def _complain(message: str) -> None:
    """Print one message for the user on stderr, as one line: every character the
    terminal would act on (newline, escape, bidi override) is shown escaped."""
    from mapper.sources import printable

    print(f"dateline: {printable(message)}", file=sys.stderr)


class _ComplainHandler(logging.Handler):
    """The package's warnings ("corrections not applied: …"), through :func:`_complain`."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            _complain(record.getMessage())
        except Exception:  # a logging failure must not end the run
            self.handleError(record)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mapper", description="Dateline: map the places in news articles."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract",
        help="print the places of each article as JSON (one object per line)",
        description="Analyse each article (text, HTML, PDF or Word file, or a folder of them) "
        "and print what Dateline finds as JSON, one object per article: its places with "
        "their coordinates and how they were chosen, actors, event types and dates.",
    )
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE", help=_FILES_HELP)
    extract.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse every article again instead of reusing cached results",
    )
    extract.add_argument(
        "--format",
        choices=["jsonl", "json"],
        default="jsonl",
        help="jsonl: one object per line (default); json: one array",
    )
    extract.add_argument("--published", metavar="DATE", help=_PUBLISHED_HELP)
    extract.add_argument(
        "--home",
        metavar="PLACE",
        help="the articles are local to this place ('Athens, Georgia', 'Paris, TN', "
        "'Greece'): ambiguous names lean towards it, before any dateline or outlet; "
        "'none' turns home regions off (default: each article's dateline or outlet)",
    )
    extract.add_argument(
        "--search",
        metavar="TEXT",
        help="only articles with a sentence matching TEXT (sentences that mention a place, "
        'as export --search and the window\'s search): words anywhere, "quoted words" '
        "together, protest* for words starting so, a OR b. Each article is printed whole, "
        'with "search_matches": [{"start", "end"}, ...], where TEXT matched (offsets into '
        "its text)",
    )
    evaluate = commands.add_parser(
        "evaluate",
        help="score geoparsing on an annotated corpus (GeoWebNews or LGL XML, or a folder "
        "of .txt articles marked up [Athens]{33.96,-83.38}: tests/data/localnews)",
        description="Score the places Dateline finds against an annotated corpus: "
        "precision, recall and F1 of the place names (spans matched by overlap, one to one), "
        "and accuracy within 161 km of the matched ones, with the most frequent errors.",
    )
    evaluate.add_argument(
        "corpus",
        type=Path,
        metavar="CORPUS.xml|FOLDER",
        help="a GeoWebNews or LGL XML file, or a folder of marked-up .txt articles "
        "(tests/data/localnews/dev)",
    )
    evaluate.add_argument("--limit", type=int, default=0, help="only the first N articles")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument(
        "--errors",
        action="store_true",
        help="also list every false positive, miss and far pin (article@offset: name → pin)",
    )
    extract.add_argument(
        "--corrections",
        type=Path,
        metavar="FILE",
        help="corrections file to apply (default: the ones saved from the window)",
    )
    extract.add_argument(
        "--online",
        action="store_true",
        help="ask Nominatim (OpenStreetMap) about names the offline gazetteer lacks "
        "(needs the network; at most 1 request/s; answers cached)",
    )
    events = commands.add_parser(
        "evaluate-events",
        help="score event typing on ACLED-style JSONL (text + label per line)",
        description="Score the event type Dateline gives each record's text against its "
        "ACLED label: precision, recall and F1 per type, macro-F1 over the six ACLED types, "
        "and the confusion between types.",
    )
    event_places = commands.add_parser(
        "evaluate-event-places",
        help="score where events happened on ACLED-style JSONL (text + lat/lon per line)",
        description="Score the place Dateline gives each record's first event (else the "
        "text's main place) against the record's lat/lon: accuracy within 161 km over "
        "every record, mean and median error, beside the baseline 'first place named'.",
    )
    for records in (events, event_places):  # both score a JSONL file of records
        records.add_argument(
            "corpus",
            type=Path,
            metavar="CORPUS.jsonl",
            help="one JSON object per line, with the record's text and its label or lat/lon",
        )
        records.add_argument("--limit", type=int, default=0, help="only the first N records")
        records.add_argument("--json", action="store_true", help="print the report as JSON")
    dates = commands.add_parser(
        "evaluate-dates",
        help="score date finding on TimeML files (TempEval-3: TimeBank, AQUAINT)",
        description="Score the temporal expressions Dateline finds (extent, type, value) "
        "against the TIMEX3 annotations of TimeML (.tml) files, as TempEval-3 does; each "
        "document's DCT is the anchor of relative dates. Needs no language model.",
    )
    dates.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILES",
        help="TimeML .tml files, or folders of them (read recursively), "
        "e.g. ../shared/data/tempeval3/TimeBank",
    )
    dates.add_argument("--json", action="store_true", help="print the report as JSON")
    exporting = _export_parser(commands)
    from mapper.cli.review import add_review_parser

    reviewing = add_review_parser(commands, _FILES_HELP)
    for command in (extract, evaluate, events, event_places, exporting, reviewing):
        model = command.add_mutually_exclusive_group()
        model.add_argument("--model", help="spaCy model package (default: the installed one)")
        model.add_argument(
            "--no-model",
            action="store_true",
            help="use no language model: places from the gazetteer alone (fast)",
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    from mapper.pipeline import use_spawn

    use_spawn()
    args = _parser().parse_args(argv)
    handler = _ComplainHandler(logging.WARNING)
    package_log = logging.getLogger("mapper")
    package_log.addHandler(handler)
    try:
        return _run(args)
    except MemoryError:
        _complain("not enough memory for this input")
        return 1
    except RecursionError:
        _complain("the input is nested too deeply to be read")
        return 1
    finally:
        package_log.removeHandler(handler)


def _day_option(args: argparse.Namespace, name: str) -> tuple[dt.date | None, str | None]:
    """The day an option gives, or (None, why it is no date) for a one-line usage error."""
    from mapper.time.published import parse_day

    text: str | None = getattr(args, name, None)
    if text is None:
        return None, None
    day = parse_day(text)
    if day is None:
        option = "--" + name.removesuffix("_day").replace("_", "-")
        return None, f"{option}: not a date (YYYY-MM-DD): {text!r}"
    return day, None


def _given_dates(inputs: _Inputs, day: dt.date | None) -> None:
    """Give ``day`` (``--published``) to the articles with no date of their own: none, or
    only their file's modification day (a last resort)."""
    from mapper.time.published import FROM_COMMAND_LINE, FROM_FILE

    if day is None:
        return
    inputs.articles = [
        (
            source,
            replace(article, published=day.isoformat(), published_source=FROM_COMMAND_LINE)
            if article.published is None or article.published_source == FROM_FILE
            else article,
        )
        for source, article in inputs.articles
    ]


def _run(args: argparse.Namespace) -> int:
    problems = [
        problem
        for name in ("published", "from_day", "until_day")
        if (problem := _day_option(args, name)[1]) is not None
    ]
    if problems:
        _complain(problems[0])
        return 2
    if args.command == "extract":
        return _extract(args)
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "evaluate-events":
        return _evaluate_events(args)
    if args.command == "evaluate-event-places":
        return _evaluate_event_places(args)
    if args.command == "evaluate-dates":
        from mapper.time.evaluate import main as evaluate_dates

        # "--" first: a file name starting with "-" is still a file.
        return evaluate_dates([*(["--json"] if args.json else []), "--", *map(str, args.files)])
    if args.command == "export":
        return _export(args)
    if args.command == "review":
        from mapper.cli.review import run_review

        return run_review(args)
    return 2  # pragma: no cover -- argparse rejects unknown commands


@dataclass
class _Inputs:
    """The articles the FILE arguments hold, in order, and what their projects bring."""

    #: (what extract reports as its "source", the article)
    articles: list[tuple[str, Article]] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    failed: int = 0  # files (or folders) that gave nothing, each reported on stderr

    def corrections(self) -> Corrections:
        """The projects' corrections together (a later project's win on a name)."""
        from mapper.geo.corrections import Corrections

        merged = Corrections()
        for project in self.projects:
            merged = merged.merged(project.corrections)
        return merged

    def home_regions(self) -> HomeSettings:
        """The projects' home regions together (a later project's win)."""
        from mapper.geo.home import HomeSettings

        merged = HomeSettings()
        for project in self.projects:
            merged = merged.merged(project.home_regions)
        return merged


#: A web address given as a FILE ("https://…", "www.…").
_URL = re.compile(r"(?i)^(?:(?:https?|ftp)s?:/|www\.)")


def _read_inputs(paths: Sequence[Path]) -> _Inputs:
    """Read every FILE argument, reporting (on stderr) each that gives no article."""
    from mapper.sources import SourceError, read_article, scan_paths
    from mapper.store.project import SUFFIX, ProjectError, load_project

    inputs = _Inputs()
    for given in paths:
        if _URL.match(str(given)) and not given.exists():
            # Path() has folded "https://" into "https:/"; pages are not fetched (no network)
            url = re.sub(r"^(\w+):/(?!/)", r"\1://", str(given))
            _complain(f"{url}: URLs are not read: save the page and open the file")
            inputs.failed += 1
            continue
        scan = scan_paths([given])
        for skipped in scan.skipped:
            _complain(skipped.message)
            inputs.failed += 1
        if not scan.found and not scan.skipped and given.is_dir():
            _complain(f"{given}: no article files in this folder")
            inputs.failed += 1
        for path in scan.found:
            if path.suffix.lower() == SUFFIX:
                try:
                    project = load_project(path)
                except ProjectError as error:
                    _complain(str(error))
                    inputs.failed += 1
                    continue
                inputs.projects.append(project)
                inputs.articles.extend((a.source or str(path), a) for a in project.articles)
                continue
            try:
                inputs.articles.append((str(path), read_article(path)))
            except SourceError as error:
                _complain(str(error))
                inputs.failed += 1
    return inputs


def _analysed(
    pipeline: Pipeline, inputs: _Inputs, cache: AnalysisCache | None
) -> Iterator[ArticleAnalysis]:
    """The analysis of each input article, in order: a project's own when this very
    pipeline made it (same fingerprint, same home region settings), else from the cache or
    made now."""
    fingerprint = pipeline.fingerprint() if inputs.projects else ""
    saved = {
        analysis.article.id: (analysis, project.home_regions)
        for project in inputs.projects
        if project.fingerprint == fingerprint
        for analysis in project.analyses
    }

    def reusable(article: Article) -> ArticleAnalysis | None:
        found, homes = saved.get(article.id, (None, None))
        if found is None or homes is None or found.article != article:
            return None
        same_home = homes.setting_for(article) == pipeline.homes.setting_for(article)
        return found if same_home else None

    articles = [article for _source, article in inputs.articles]
    fresh = pipeline.analyze_many((a for a in articles if reusable(a) is None), cache=cache)
    for article in articles:
        found = reusable(article)
        yield found if found is not None else next(fresh)


def _load_pipeline(
    args: argparse.Namespace, projects_corrections: Corrections | None = None
) -> Pipeline | None:
    """The pipeline the options ask for, or None (after a message) when it cannot load.

    ``projects_corrections`` (from the projects among the inputs) are applied over the
    user's (or ``--corrections``) for this run only: nothing is saved.
    """
    from mapper.geo.corrections import Corrections, CorrectionsError
    from mapper.geo.online import OnlineSettings
    from mapper.pipeline import Pipeline, load_user_corrections
    from mapper.text.nlp import ModelUnavailableError

    corrections: Corrections | None = None  # the user's saved ones
    if args.command in ("evaluate", "evaluate-event-places"):
        corrections = Corrections()  # scores must not depend on one user's corrections
    elif args.corrections is not None:
        if not args.corrections.exists():  # Corrections.load takes a missing file as none
            _complain(f"{args.corrections.name}: corrections file not found")
            return None
        try:
            corrections = Corrections.load(args.corrections)
        except CorrectionsError as error:
            _complain(str(error))
            return None
    if projects_corrections:
        base = corrections if corrections is not None else load_user_corrections()
        corrections = base.merged(projects_corrections)
    try:
        if args.no_model:
            return Pipeline.blank(corrections=corrections)
        online = OnlineSettings(enabled=bool(getattr(args, "online", False)))
        return Pipeline.load(model=args.model, corrections=corrections, online=online)
    except ModelUnavailableError as error:
        _complain(str(error))
        return None


def _not_a_readable_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a corpus, or None: a named pipe would block forever."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return f"{path}: file not found"
    except OSError as error:
        return f"{path}: cannot be read ({error.strerror or error})"
    if not stat.S_ISREG(status.st_mode):
        return f"{path}: not a regular file"
    return None


def _evaluate(args: argparse.Namespace) -> int:
    from mapper.cli.evaluate import evaluate, read_corpus

    problem = None if args.corpus.is_dir() else _not_a_readable_file(args.corpus)
    if problem is not None:
        _complain(problem)
        return 1
    try:
        corpus = read_corpus(args.corpus)
    except (OSError, ET.ParseError, ValueError) as error:
        _complain(f"{args.corpus}: cannot read the corpus ({error})")
        return 1
    if args.limit:
        corpus = corpus[: args.limit]
    pipeline = _load_pipeline(args)
    if pipeline is None:
        return 1
    score = evaluate(corpus, pipeline)
    report = score.report()
    if args.json:
        if args.errors:
            report["errors"] = [asdict(e) for e in score.errors]
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        if args.errors:  # before the summary, so the numbers stay on screen
            print("\n".join(e.line() for e in score.errors))
        for key, value in report.items():
            if isinstance(value, dict):
                print(f"{key}:")
                for sub, text in value.items():
                    print(f"  {sub:24} {text}")
            elif isinstance(value, list):
                # "; " between entries: a name may hold a comma ("Paris → Paris, FR")
                print(f"{key}: " + "; ".join(f"{name} ×{n}" for name, n in value))
            else:
                print(f"{key:24} {value}")
    return 0


def _evaluate_event_places(args: argparse.Namespace) -> int:
    from mapper.cli.evaluate_event_places import evaluate_event_places, print_report

    problem = _not_a_readable_file(args.corpus)
    if problem is not None:
        _complain(problem)
        return 1
    pipeline = _load_pipeline(args)
    if pipeline is None:
        return 1
    return _report_on_records(
        args, lambda: evaluate_event_places(args.corpus, pipeline, args.limit), print_report
    )


def _evaluate_events(args: argparse.Namespace) -> int:
    from mapper.cli.evaluate_events import evaluate_events, print_report
    from mapper.events.tagger import EventTagger
    from mapper.events.taxonomy import load_taxonomy
    from mapper.text.nlp import ModelUnavailableError, blank_nlp, load_nlp

    problem = _not_a_readable_file(args.corpus)
    if problem is not None:
        _complain(problem)
        return 1
    try:
        nlp = blank_nlp() if args.no_model else load_nlp(args.model)
    except ModelUnavailableError as error:
        _complain(str(error))
        return 1
    tagger = EventTagger(load_taxonomy())
    return _report_on_records(
        args, lambda: evaluate_events(args.corpus, tagger, nlp, args.limit), print_report
    )


def _report_on_records(
    args: argparse.Namespace,
    evaluate: Callable[[], dict[str, Any]],
    print_report: Callable[[dict[str, Any]], None],
) -> int:
    """Score a JSONL corpus of records and print the report (``--json``: as JSON)."""
    try:
        report = evaluate()
    except (OSError, ValueError) as error:
        _complain(f"{args.corpus}: cannot read the records ({error})")
        return 1
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 0


def _extract(args: argparse.Namespace) -> int:
    from mapper.search import has_terms
    from mapper.store.cache import AnalysisCache

    inputs = _read_inputs(args.files)
    _given_dates(inputs, _day_option(args, "published")[0])
    if inputs.articles:
        pipeline = _load_pipeline(args, inputs.corrections())
        if pipeline is None:
            return 1
        homes, problem = _home_option(pipeline, args.home, inputs)
        if homes is None:
            _complain(problem or "--home")
            return 2
        pipeline.homes = homes
        objects = []
        cache = None if args.no_cache else AnalysisCache()
        analyses = _analysed(pipeline, inputs, cache)
        search = args.search if args.search is not None and has_terms(args.search) else None
        for (source, _article), analysis in zip(inputs.articles, analyses, strict=True):
            matches = None if search is None else search_matches(analysis, search)
            if matches == []:
                continue  # no sentence of it matches: as export --search leaves it off the map
            record = analysis_to_json(analysis, source=source)
            if matches is not None:
                record["search_matches"] = matches
            record["home_region"] = home_region_json(pipeline.home_of(analysis.article))
            if args.format == "jsonl":
                print(json.dumps(record, ensure_ascii=False), flush=True)
            else:
                objects.append(record)
        if args.format == "json":
            print(json.dumps(objects, ensure_ascii=False, indent=2))
    return 1 if inputs.failed else 0


def search_matches(analysis: ArticleAnalysis, text: str) -> list[dict[str, int]]:
    """Where a search (the window's syntax, :mod:`mapper.search`) matches an article:
    ``[{"start", "end"}, ...]``, character offsets into its text, in text order; only
    sentences that mention a place are searched, as for ``export --search``."""
    from mapper.atlas import Atlas
    from mapper.search import SearchIndex

    atlas = Atlas([analysis])
    index = SearchIndex()  # one per article: extract prints each as soon as it is analysed
    index.sync(atlas)
    result = index.search(text)
    spans = sorted(
        (excerpt.start + start, excerpt.start + end)
        for excerpt in map(atlas.excerpt, result.ids)
        for start, end in result.spans(excerpt.id)
    )
    return [{"start": start, "end": end} for start, end in spans]


def _home_option(
    pipeline: Pipeline, text: str | None, inputs: _Inputs
) -> tuple[HomeSettings | None, str | None]:
    """The home regions of this run: ``--home`` for every article (the projects' own are then
    set aside), else the projects' own; (None, why) when ``--home`` names no place."""
    from mapper.geo.home import NO_HOME, HomeSettings, find_regions

    if text is None:
        return inputs.home_regions(), None
    if text.strip().casefold() == "none":
        return HomeSettings(every=NO_HOME), None
    found = find_regions(pipeline.gazetteer, text, limit=1)
    if not found:
        return None, f"--home: no town, state or country called {text!r}"
    return HomeSettings(every=found[0].id), None


def home_region_json(home: HomeRegion | None) -> dict[str, Any] | None:
    """An article's home region in ``extract``'s output: ``{"id", "name", "kind", "lat",
    "lon", "label", "source", "from"}`` (source: "dateline", "outlet" or "user" — ``--home``
    or a project's setting; from: the dateline's words or the outlet), or null."""
    from mapper.geo.home import region_label

    if home is None:
        return None
    place = home.place
    return {
        "id": place.id,
        "name": place.name,
        "kind": place.kind,
        "lat": place.lat,
        "lon": place.lon,
        "label": region_label(place),
        "source": home.source,
        "from": home.detail or None,
    }


# -- export --------------------------------------------------------------------------------

#: The sides a composition may have, in CSS pixels (the renderer's limit is 8000).
MIN_SIDE_PX, MAX_SIDE_PX = 100, 8000
#: How long the renderer may take for one PNG or PDF, in seconds.
RENDER_TIMEOUT_S = 180
_NO_EVENT_NAMES = ("none", "no event type")


def _side(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of pixels: {text!r}") from None
    if not MIN_SIDE_PX <= value <= MAX_SIDE_PX:
        raise argparse.ArgumentTypeError(f"must be {MIN_SIDE_PX} to {MAX_SIDE_PX} pixels")
    return value


def _scale(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if value not in (1.0, 2.0):
        raise argparse.ArgumentTypeError(f"must be 1 or 2, not {text!r}")
    return value


def _export_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    export = commands.add_parser(
        "export",
        help="write the map of some articles as PNG, PDF, HTML, GeoJSON, CSV or KML",
        description="Write the map of the articles to OUT; its suffix picks the format "
        "(.png, .pdf, .html, .geojson, .csv, .kml). PNG and PDF are rendered offscreen, "
        "with no window. --actor, --event-type, --from and --until narrow the map as the "
        "window's filters and timeline do.",
    )
    export.add_argument("files", nargs="+", type=Path, metavar="FILE", help=_FILES_HELP)
    export.add_argument(
        "--to",
        required=True,
        type=Path,
        metavar="OUT",
        help="the file to write: .png, .pdf, .html, .geojson, .csv or .kml",
    )
    export.add_argument("--title", default="", help="title above the map (PNG, PDF, HTML)")
    export.add_argument("--subtitle", default="", help="subtitle under the title")
    export.add_argument(
        "--view",
        choices=("pins", "choropleth", "heat"),
        default="pins",
        help="PNG, PDF, HTML: pins (default), a choropleth of the excerpts shown by country "
        "and state/province, or a heat map of them",
    )
    export.add_argument(
        "--actor",
        action="append",
        default=[],
        metavar="A",
        help="only what names this actor (its name, any case, or its id); "
        "repeat for any of several",
    )
    export.add_argument(
        "--event-type",
        action="append",
        default=[],
        metavar="T",
        help="only this kind of event (a name of the taxonomy, any case; "
        "'none' for sentences of no type); repeat for any of several",
    )
    export.add_argument(
        "--from",
        dest="from_day",
        metavar="DATE",
        help="only what happened on or after this day (YYYY-MM-DD): excerpts whose date "
        "(their sentence's own, else their article's) reaches it",
    )
    export.add_argument(
        "--until",
        dest="until_day",
        metavar="DATE",
        help="only what happened on or before this day (YYYY-MM-DD)",
    )
    export.add_argument(
        "--undated",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with --from/--until: keep excerpts of no known date (default) or leave them out",
    )
    export.add_argument(
        "--event-places-only",
        action="store_true",
        help="only places where a tagged event happened, not places merely mentioned "
        "(the window's 'Event places only')",
    )
    export.add_argument(
        "--search",
        metavar="TEXT",
        help="only sentences matching TEXT (the window's text search): words anywhere, "
        '"quoted words" together, protest* for words starting so, a OR b',
    )
    export.add_argument("--published", metavar="DATE", help=_PUBLISHED_HELP)
    export.add_argument(
        "--width",
        type=_side,
        metavar="W",
        help="width of the picture in CSS pixels (PNG, PDF; default 1200, "
        "or the paper's for a PDF)",
    )
    export.add_argument(
        "--height",
        type=_side,
        metavar="H",
        help="height in CSS pixels (default 800, or the paper's)",
    )
    export.add_argument(
        "--scale", type=_scale, metavar="S", help="pixels per CSS pixel of a PNG: 1 (default) or 2"
    )
    export.add_argument(
        "--paper",
        choices=sorted(PAPERS),
        help="PDF paper (default a4, unless --width/--height set the page)",
    )
    export.add_argument(
        "--orientation",
        choices=list(ORIENTATIONS),
        help="PDF paper orientation (default landscape)",
    )
    export.add_argument(
        "--excel-bom",
        action="store_true",
        help="CSV: start with the byte-order mark Excel needs to read UTF-8",
    )
    export.add_argument(
        "--corrections",
        type=Path,
        metavar="FILE",
        help="corrections file to apply (default: the ones saved from the window)",
    )
    export.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse every article again instead of reusing cached results",
    )
    return export


def _export_usage(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """(format, None), or (None, the reason the options do not fit the output)."""
    from mapper.export.registry import FORMATS, format_of  # why: folium (~0.4 s), export only

    out: Path = args.to
    found = format_of(out)
    if found is None:
        return None, (
            f"cannot export to {out.name}: unknown format {out.suffix or '(no suffix)'} "
            f"(use {_usual_suffixes(FORMATS)})"
        )
    fmt = found.key
    if not found.rendered and (
        args.width is not None or args.height is not None or args.scale is not None
    ):
        return None, "--width, --height and --scale apply to PNG and PDF exports"
    if fmt != "pdf" and (args.paper is not None or args.orientation is not None):
        return None, "--paper and --orientation apply to PDF exports"
    if fmt == "pdf" and args.scale is not None:
        return None, "--scale applies to PNG exports (a PDF is drawn as vectors)"
    if fmt != "csv" and args.excel_bom:
        return None, "--excel-bom applies to CSV exports"
    if fmt not in ("png", "pdf", "html") and args.view != "pins":
        return None, "--view applies to PNG, PDF and HTML exports (maps, not data)"
    if args.from_day is None and args.until_day is None and not args.undated:
        return None, "--no-undated applies with --from or --until"
    first, _ = _day_option(args, "from_day")
    last, _ = _day_option(args, "until_day")
    if first is not None and last is not None and first > last:
        return None, f"--from {first.isoformat()} is after --until {last.isoformat()}"
    return fmt, None


def _usual_suffixes(formats: Mapping[str, ExportFormat]) -> str:
    """The usual suffix of each format, as a list in words (".png, .pdf, … or .kml")."""
    *first, last = (f.suffix for f in formats.values())
    return f"{', '.join(first)} or {last}"


def _known(names: Sequence[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return f"{shown}, … ({len(names)} in all)" if len(names) > limit else shown


def _export_filter(
    atlas: Atlas, type_names: Sequence[str], actors: Sequence[str], event_types: Sequence[str]
) -> tuple[Filter | None, str | None]:
    """The Filter the options ask for, or (None, why not) when one names nothing known.

    An actor matches by id, name or alias, in any case; an event type by name, in any
    case ("none" stands for sentences of no type). Several values of one option are
    alternatives; the two options must both hold (the window's filter rule).
    """
    from mapper.filters import NO_EVENT, Filter

    actor_ids: set[str] | None = None
    if actors:
        actor_ids = set()
        known = atlas.actors
        for wanted in actors:
            key = wanted.strip().casefold()
            found = {
                a.id
                for a in known
                if key in (a.id.casefold(), a.name.casefold())
                or key in (alias.casefold() for alias in a.aliases)
            }
            if not found:
                listed = _known([a.name for a in known]) or "none in these articles"
                return None, f"no actor named {wanted!r} (known: {listed})"
            actor_ids |= found
    types: set[str] | None = None
    if event_types:
        types = set()
        names = [
            n for n in dict.fromkeys([*type_names, *atlas.event_type_counts()]) if n != NO_EVENT
        ]
        for wanted in event_types:
            key = wanted.strip().casefold()
            if key in _NO_EVENT_NAMES:
                types.add(NO_EVENT)
                continue
            match = [n for n in names if n.casefold() == key]
            if not match:
                return None, f"no event type named {wanted!r} (known: {_known(names)}, none)"
            types.update(match)
    return Filter.of(actors=actor_ids, event_types=types), None


def _export(args: argparse.Namespace) -> int:
    from mapper.atlas import Atlas
    from mapper.export.registry import RENDERED, write_data  # why: folium (~0.4 s)
    from mapper.search import SearchIndex, has_terms, normalized, searched
    from mapper.sources import printable
    from mapper.store.cache import AnalysisCache

    fmt, problem = _export_usage(args)
    if fmt is None:
        _complain(str(problem))
        return 2
    out: Path = args.to
    if not out.parent.is_dir():
        _complain(f"cannot write {out}: the folder {out.parent} does not exist")
        return 1
    inputs = _read_inputs(args.files)
    _given_dates(inputs, _day_option(args, "published")[0])
    if not inputs.articles:
        _complain("no article to export")
        return 1
    pipeline = _load_pipeline(args, inputs.corrections())
    if pipeline is None:
        return 1
    cache = None if args.no_cache else AnalysisCache()
    atlas = Atlas(_analysed(pipeline, inputs, cache))
    event_types = [(t.name, t.color) for t in pipeline.taxonomy.types]
    where, problem = _export_filter(atlas, pipeline.taxonomy.names(), args.actor, args.event_type)
    if where is None:
        _complain(str(problem))
        return 1
    first, last = _day_option(args, "from_day")[0], _day_option(args, "until_day")[0]
    if first is not None or last is not None:
        where = where.between(first, last, undated=args.undated)
    if args.event_places_only:
        where = replace(where, event_places_only=True)
    if args.search is not None and has_terms(args.search):
        where = searched(replace(where, search=normalized(args.search)), SearchIndex(), atlas)
    places = sum(
        1 for p in atlas.places(where=where) if math.isfinite(p.lat) and math.isfinite(p.lon)
    )
    sources = len(source_list(atlas, where))
    if not places:
        _complain("no place passes the filter; the export is empty")
    try:
        if fmt in RENDERED:
            problem = _render(fmt, args, atlas, where, event_types)
            if problem is not None:
                _complain(f"cannot render {out}: {problem}")
                return 1
        else:
            options = ReportOptions(title=args.title, subtitle=args.subtitle, map_view=args.view)
            write_data(fmt, out, atlas, where, event_types, options, excel_bom=args.excel_bom)
    except ExportError as error:
        _complain(str(error))
        return 1
    print(
        f"wrote {printable(str(out))} ({places} place{'' if places == 1 else 's'}, "
        f"{sources} article{'' if sources == 1 else 's'})"
    )
    return 1 if inputs.failed else 0


def _render(
    fmt: str,
    args: argparse.Namespace,
    atlas: Atlas,
    where: Filter,
    event_types: Sequence[tuple[str, str]],
) -> str | None:
    """Render the report page to ``args.to`` with ``ui.snapshot`` in a subprocess.

    Returns None on success, else the reason it failed (the renderer's one line).
    """
    from mapper.export.html import write_report_page  # why: folium (~0.4 s), export only

    paper: str | None = args.paper
    orientation: str = args.orientation or "landscape"
    if fmt == "pdf" and args.width is None and args.height is None:
        paper = paper or "a4"  # no size given: the page is the paper
    if paper is not None:
        # Rounded, not down: the renderer fits the page to the paper (within 0.2%).
        paper_w, paper_h = paper_size_css(paper, orientation)
        default = (round(paper_w), round(paper_h))
    else:
        default = (ReportOptions.width, ReportOptions.height)
    width = args.width or default[0]
    height = args.height or default[1]
    options = ReportOptions(
        title=args.title,
        subtitle=args.subtitle,
        width=width,
        height=height,
        all_sources=fmt == "pdf",  # a PDF lists every source (zoomable vectors)
        map_view=args.view,
    )
    with tempfile.TemporaryDirectory(prefix="dateline-export-") as folder:
        try:
            page = write_report_page(
                Path(folder) / "report.html", atlas, where, event_types, options
            )
        except ExportError as error:
            # The page is ours, in a temporary folder: name what the user asked for instead.
            reason = str(error).rsplit(": ", 1)[-1].rstrip(".")
            return f"its page could not be written to the temporary folder ({reason})"
        # A packaged app has no Python to run "-m ui.snapshot" with: there sys.executable
        # is Dateline itself, which renders when its first argument is --snapshot (main.py).
        renderer = ["--snapshot"] if getattr(sys, "frozen", False) else ["-m", "ui.snapshot"]
        command = [
            sys.executable,
            *renderer,
            "--page",
            str(page),
            "--out",
            str(Path(args.to).absolute()),
            "--width",
            str(width),
            "--height",
            str(height),
            "--scale",
            f"{args.scale or 1:g}",
        ]
        if fmt == "pdf" and paper is not None:
            command += ["--paper", paper, "--orientation", orientation]
        try:
            done = subprocess.run(
                command,
                capture_output=True,
                text=True,
                env=_renderer_environment(),
                timeout=RENDER_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"the renderer did not finish within {RENDER_TIMEOUT_S} s"
        except OSError as error:
            return f"the renderer could not start ({error.strerror or error})"
    if done.returncode != 0:
        lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
        return lines[-1] if lines else f"the renderer failed (exit status {done.returncode})"
    if not Path(args.to).is_file():
        return "the renderer wrote nothing"
    return None


def _renderer_environment() -> dict[str, str]:
    """The renderer's environment: able to import ``ui`` beside ``mapper``.

    The renderer sets Qt up itself (``ui.environment.prepare_qt_environment``, headless).
    """
    env = dict(os.environ)
    root = Path(__file__).resolve().parents[2]  # mapper/cli/__init__.py: the checkout
    if (root / "ui" / "__init__.py").is_file():
        paths = [str(root), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
        env["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))
    return env
