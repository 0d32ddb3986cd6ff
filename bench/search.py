"""Search figures: the text search (mapper.search) over bench.corpus's 1,000 articles.

The articles are the pipeline benchmark's corpus (seed sentences and templates, 15-40
sentences each); each sentence becomes an excerpt naming the city it names (records made
here, without spaCy: this measures the search, not the pipeline).

- ``search_index_1000_s``: indexing every excerpt of the 1,000 articles (the first search);
- ``search_1000_ms``: the median time of a search as the window runs it (the index
  brought up to date, the query run, every match's highlight offsets), over words, a
  phrase, a prefix, an OR and a word in most sentences (target <= 100 ms);
  ``search_1000_max_ms`` the slowest of them;
- ``search_places_1000_ms``: the median time of the Python side of a search in the window:
  the search and the places (with their counts) it leaves for the Places list;
- ``search_excerpts_1000``: the excerpts indexed.

Run alone with ``python -m bench search``.
"""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import _CITIES, make_corpus
from mapper.atlas import Atlas
from mapper.filters import Filter
from mapper.search import SearchIndex, searched
from mapper.sources import read_article
from mapper.types import ArticleAnalysis, Place, PlaceMention, ResolvedMention, Sentence

ARTICLES = 1_000
QUERIES = ("tear gas", '"tear gas"', "protest*", "ceasefire OR sanctions", "Caracas", "the")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def corpus_atlas(folder: Path, count: int = ARTICLES) -> Atlas:
    """bench.corpus's articles, each sentence naming a city an excerpt of that city."""
    places = {
        name: Place(f"gn:{800_000 + i}", name, "city", 0.0, 0.0, "Bench", "BX")
        for i, name in enumerate(_CITIES)
    }
    analyses = []
    for path in make_corpus(folder, count):
        article = read_article(path)
        sentences, mentions = [], []
        for match in _SENTENCE.finditer(article.text):
            span = Sentence(match.start(), match.end())
            sentences.append(span)
            for name, place in places.items():
                at = article.text.find(name, span.start, span.end)
                if at >= 0:
                    mention = PlaceMention(at, at + len(name), name, "gazetteer")
                    mentions.append(ResolvedMention(mention, place, 0.9, span))
        mentions.sort(key=lambda r: r.mention.start)
        analyses.append(ArticleAnalysis(article, tuple(sentences), tuple(mentions), (), (), ()))
    return Atlas(analyses)


def run() -> dict[str, Any]:
    """The search figures."""
    with tempfile.TemporaryDirectory() as folder:
        atlas = corpus_atlas(Path(folder))
    atlas.places()  # the atlas's own indexes first: not part of the search
    index = SearchIndex()
    started = time.perf_counter()
    index.sync(atlas)
    indexed = time.perf_counter() - started
    searches, lists = [], []
    for _ in range(5):
        for query in QUERIES:
            index.search("")  # forget the last search: each one runs
            started = time.perf_counter()
            index.sync(atlas)
            result = index.search(query)
            searches.append(time.perf_counter() - started)
            assert result.ids, query
            index.search("")
            started = time.perf_counter()
            where = searched(Filter(search=query), index, atlas)
            atlas.places(where=where)
            atlas.mention_counts(where=where)
            lists.append(time.perf_counter() - started)
    return {
        "search_index_1000_s": round(indexed, 3),
        "search_1000_ms": round(statistics.median(searches) * 1000, 1),
        "search_1000_max_ms": round(max(searches) * 1000, 1),
        "search_places_1000_ms": round(statistics.median(lists) * 1000, 1),
        "search_excerpts_1000": len(index),
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=2))
