"""Command line: ``python -m mapper extract [--format jsonl] FILES…``.

One JSON object per article on stdout (see :func:`mapper.extract.analysis_to_json`).
A file that cannot be read gives one line on stderr and the others go on; the
exit status is 0 when every file was mapped, 1 when some failed, 2 on bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from mapper.extract import analysis_to_json


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m mapper", description="Dateline: map the places in news articles."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract", help="print the places of each article as JSON (one object per line)"
    )
    extract.add_argument("files", nargs="+", type=Path, metavar="FILE")
    extract.add_argument("--format", choices=["jsonl", "json"], default="jsonl",
                         help="jsonl: one object per line (default); json: one array")
    model = extract.add_mutually_exclusive_group()
    model.add_argument("--model", help="spaCy model package to use (default: the installed one)")
    model.add_argument("--no-model", action="store_true",
                       help="use no language model: places from the gazetteer alone (fast)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    if args.command == "extract":
        return _extract(args)
    return 2  # pragma: no cover -- argparse rejects unknown commands


def _extract(args: argparse.Namespace) -> int:
    from mapper.nlp import ModelUnavailableError
    from mapper.pipeline import Pipeline
    from mapper.sources import SourceError, read_article

    articles = []
    failed = 0
    for path in args.files:
        try:
            articles.append((path, read_article(path)))
        except SourceError as error:
            print(f"dateline: {error}", file=sys.stderr)
            failed += 1
    if articles:
        try:
            pipeline = Pipeline.blank() if args.no_model else Pipeline.load(model=args.model)
        except ModelUnavailableError as error:
            print(f"dateline: {error}", file=sys.stderr)
            return 1
        objects = []
        analyses = pipeline.analyze_many(article for _path, article in articles)
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
