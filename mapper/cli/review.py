"""``python -m mapper review FILES…``: the doubtful places of some articles, to check.

Prints the review queue (:mod:`mapper.geo.review`): each doubtful name, the place it
was given, why it is doubtful, an example and the alternatives; ``--json`` prints
it as one JSON array instead. Names already corrected (the user's corrections, or
``--corrections FILE``, and those of the projects given) are not listed. Decide
in the window (Places ▸ Review Doubtful Places…) or write a corrections file.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mapper.geo.review import ReviewItem

#: Most alternatives printed per item in the text report (--json has them all).
TEXT_ALTERNATIVES = 5

_BLANKS = re.compile(r"\s+")


def add_review_parser(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], files_help: str
) -> argparse.ArgumentParser:
    """The ``review`` subcommand and its options."""
    review = commands.add_parser(
        "review",
        help="list the doubtful places of some articles, with their alternatives",
        description="List the places whose choice was doubtful — a close call between "
        "candidates, a name that is also a common word, a single weak mention, another "
        "name of a small place, a name placed apart elsewhere — with the alternatives, "
        "most doubtful first. Names already corrected are left out.",
    )
    review.add_argument("files", nargs="+", type=Path, metavar="FILE", help=files_help)
    review.add_argument("--json", action="store_true", help="print the queue as a JSON array")
    review.add_argument(
        "--corrections",
        type=Path,
        metavar="FILE",
        help="corrections file to apply (default: the ones saved from the window)",
    )
    review.add_argument(
        "--no-cache",
        action="store_true",
        help="analyse every article again instead of reusing cached results",
    )
    return review  # the caller adds --model/--no-model, as for every analysing command


def run_review(args: argparse.Namespace) -> int:
    """Analyse the FILE arguments and print their review queue; the exit status."""
    from mapper.cli import _analysed, _load_pipeline, _read_inputs
    from mapper.geo.review import item_to_json, review_queue
    from mapper.store.cache import AnalysisCache

    inputs = _read_inputs(args.files)
    if inputs.articles:
        pipeline = _load_pipeline(args, inputs.corrections())
        if pipeline is None:
            return 1
        cache = None if args.no_cache else AnalysisCache()
        analyses = list(_analysed(pipeline, inputs, cache))
        items = review_queue(
            analyses, pipeline.gazetteer, pipeline.corrections, home_of=pipeline.home_of
        )
        if args.json:
            print(json.dumps([item_to_json(i) for i in items], ensure_ascii=False, indent=2))
        else:
            print("\n".join(report_lines(items, len(analyses))))
    return 1 if inputs.failed else 0


def report_lines(items: Sequence[ReviewItem], articles: int) -> list[str]:
    """The queue as text, one block an item; every piece of article text made printable
    (one line, control characters escaped: article text is untrusted)."""
    noun = "article" if articles == 1 else "articles"
    if not items:
        return [f"No doubtful places in {articles} {noun}."]
    places = "place" if len(items) == 1 else "places"
    lines = [f"{len(items)} doubtful {places} in {articles} {noun}:"]
    for number, item in enumerate(items, start=1):
        mentions = f"{item.mentions} mention{'s' if item.mentions != 1 else ''}"
        spread = f", {item.articles} articles" if item.articles > 1 else ""
        lines.append("")
        lines.append(
            f"{number}. {_one_line(item.name)} → {_one_line(item.label)}  ({mentions}{spread})"
        )
        for reason in item.reasons:
            lines.append(f"   why: {_one_line(reason.text)}")
        example = item.example
        lines.append(
            f"   e.g. “{_one_line(example.text)}” — {_one_line(example.article_title)}"
            f" [{example.mention_start}:{example.mention_end}]"
        )
        for rank, alternative in enumerate(item.alternatives[:TEXT_ALTERNATIVES], start=1):
            share = "" if alternative.share is None else f"  {alternative.share:.2f}"
            lines.append(f"   {'or' if rank == 1 else '  '} {_one_line(alternative.label)}{share}")
        hidden = len(item.alternatives) - TEXT_ALTERNATIVES
        if hidden > 0:
            lines.append(f"      … and {hidden} more (--json lists them)")
    return lines


def _one_line(text: str) -> str:
    from mapper.sources import printable

    return printable(_BLANKS.sub(" ", text).strip())
