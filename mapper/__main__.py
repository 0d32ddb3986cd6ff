"""Command line: ``python -m mapper extract [--format jsonl] FILES…`` and ``evaluate``.

One JSON object per article on stdout (see :func:`mapper.extract.analysis_to_json`).
A file that cannot be read gives one line on stderr and the others go on; the
exit status is 0 when every file was mapped, 1 when some failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mapper.extract import analysis_to_json

if TYPE_CHECKING:
    from mapper.pipeline import Pipeline


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mapper", description="Dateline: map the places in news articles."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract", help="print the places of each article as JSON (one object per line)"
    )
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE",
                         help="article files, or folders to read recursively")
    extract.add_argument("--no-cache", action="store_true",
                         help="analyse every article again instead of reusing cached results")
    extract.add_argument("--format", choices=["jsonl", "json"], default="jsonl",
                         help="jsonl: one object per line (default); json: one array")
    evaluate = commands.add_parser(
        "evaluate", help="score geoparsing on an annotated corpus (GeoWebNews or LGL XML)"
    )
    evaluate.add_argument("corpus", type=Path, metavar="CORPUS.xml")
    evaluate.add_argument("--limit", type=int, default=0, help="only the first N articles")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    extract.add_argument(
        "--corrections", type=Path, metavar="FILE",
        help="corrections file to apply (default: the ones saved from the window)",
    )
    extract.add_argument(
        "--online", action="store_true",
        help="ask Nominatim (OpenStreetMap) about names the offline gazetteer lacks "
        "(needs the network; at most 1 request/s; answers cached)",
    )
    events = commands.add_parser(
        "evaluate-events",
        help="score event typing on ACLED-style JSONL (text + label per line)",
    )
    events.add_argument("corpus", type=Path, metavar="CORPUS.jsonl")
    events.add_argument("--limit", type=int, default=0, help="only the first N records")
    events.add_argument("--json", action="store_true", help="print the report as JSON")
    for command in (extract, evaluate, events):
        model = command.add_mutually_exclusive_group()
        model.add_argument("--model", help="spaCy model package (default: the installed one)")
        model.add_argument("--no-model", action="store_true",
                           help="use no language model: places from the gazetteer alone (fast)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "extract":
        return _extract(args)
    if args.command == "evaluate":
        return _evaluate(args)
    if args.command == "evaluate-events":
        return _evaluate_events(args)
    return 2  # pragma: no cover -- argparse rejects unknown commands


def _load_pipeline(args: argparse.Namespace) -> Pipeline | None:
    """The pipeline the options ask for, or None (after a message) when it cannot load."""
    from mapper.corrections import Corrections, CorrectionsError
    from mapper.nlp import ModelUnavailableError
    from mapper.online import OnlineSettings
    from mapper.pipeline import Pipeline

    corrections: Corrections | None = None  # the user's saved ones
    if args.command == "evaluate":
        corrections = Corrections()  # scores must not depend on one user's corrections
    elif args.corrections is not None:
        try:
            corrections = Corrections.load(args.corrections)
        except CorrectionsError as error:
            print(f"dateline: {error}", file=sys.stderr)
            return None
    try:
        if args.no_model:
            return Pipeline.blank(corrections=corrections)
        online = OnlineSettings(enabled=bool(getattr(args, "online", False)))
        return Pipeline.load(model=args.model, corrections=corrections, online=online)
    except ModelUnavailableError as error:
        print(f"dateline: {error}", file=sys.stderr)
        return None


def _evaluate(args: argparse.Namespace) -> int:
    from mapper.evaluate import evaluate, read_corpus

    try:
        corpus = read_corpus(args.corpus)
    except (OSError, ET.ParseError) as error:
        print(f"dateline: {args.corpus}: cannot read the corpus ({error})", file=sys.stderr)
        return 1
    if args.limit:
        corpus = corpus[: args.limit]
    pipeline = _load_pipeline(args)
    if pipeline is None:
        return 1
    report = evaluate(corpus, pipeline).report()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for key, value in report.items():
            if isinstance(value, dict):
                print(f"{key}:")
                for sub, text in value.items():
                    print(f"  {sub:24} {text}")
            elif isinstance(value, list):
                print(f"{key}: " + ", ".join(f"{name} ×{n}" for name, n in value))
            else:
                print(f"{key:24} {value}")
    return 0


def _evaluate_events(args: argparse.Namespace) -> int:
    from mapper.evaluate_events import evaluate_events, print_report
    from mapper.events import EventTagger, load_taxonomy
    from mapper.nlp import ModelUnavailableError, blank_nlp, load_nlp

    try:
        nlp = blank_nlp() if args.no_model else load_nlp(args.model)
    except ModelUnavailableError as error:
        print(f"dateline: {error}", file=sys.stderr)
        return 1
    tagger = EventTagger(load_taxonomy())
    try:
        report = evaluate_events(args.corpus, tagger, nlp, args.limit)
    except (OSError, ValueError) as error:
        print(f"dateline: {args.corpus}: cannot read the records ({error})", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print_report(report)
    return 0


def _extract(args: argparse.Namespace) -> int:
    from mapper.cache import AnalysisCache
    from mapper.sources import SourceError, expand_paths, read_article

    articles = []
    failed = 0
    for path in expand_paths(args.files):
        try:
            articles.append((path, read_article(path)))
        except SourceError as error:
            print(f"dateline: {error}", file=sys.stderr)
            failed += 1
    if articles:
        pipeline = _load_pipeline(args)
        if pipeline is None:
            return 1
        objects = []
        cache = None if args.no_cache else AnalysisCache()
        analyses = pipeline.analyze_many(
            (article for _path, article in articles), cache=cache
        )
        for (path, _article), analysis in zip(articles, analyses, strict=True):
            record = analysis_to_json(analysis, source=str(path))
            if args.format == "jsonl":
                print(json.dumps(record, ensure_ascii=False), flush=True)
            else:
                objects.append(record)
        if args.format == "json":
            print(json.dumps(objects, ensure_ascii=False, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
