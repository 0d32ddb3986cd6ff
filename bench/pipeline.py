"""Pipeline throughput against bare spaCy, and a 1,000-article import and reopen (headless)."""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.corpus import make_corpus


def run(count: int = 1000, sample: int = 200, rounds: int = 2) -> dict[str, Any]:
    """Measure on ``count`` synthetic articles (``sample`` of them, ``rounds`` times over, for
    the spaCy ratio)."""
    from mapper.atlas import Atlas
    from mapper.geo.corrections import Corrections
    from mapper.page import mapview
    from mapper.pipeline import Pipeline, use_spawn
    from mapper.sources import read_article
    from mapper.store.cache import AnalysisCache

    use_spawn()
    folder = Path(tempfile.mkdtemp(prefix="dateline-bench-"))
    paths = make_corpus(folder / "articles", count)
    pipeline = Pipeline.load(corrections=Corrections())
    texts = [p.read_text(encoding="utf-8") for p in paths[:sample]]

    # Bare spaCy (the same model and components on the same texts) against the whole
    # pipeline, one process each, both warmed up on the same 10 texts. They take turns on
    # chunks of 25 articles, ``rounds`` times over, so that the machine's busy moments
    # (seen here: ±10 % from one minute to the next) fall on both alike.
    articles = [read_article(p) for p in paths[:sample]]
    list(pipeline.nlp.pipe(texts[:10]))
    for _analysis in pipeline.analyze_many(articles[:10], n_process=1):
        pass
    spacy_s = pipeline_s = 0.0
    for _round in range(rounds):
        for chunk in range(0, sample, 25):
            started = time.perf_counter()
            for _doc in pipeline.nlp.pipe(texts[chunk : chunk + 25], batch_size=16):
                pass
            spacy_s += time.perf_counter() - started
            started = time.perf_counter()
            for _analysis in pipeline.analyze_many(articles[chunk : chunk + 25], n_process=1):
                pass
            pipeline_s += time.perf_counter() - started
    spacy_rate = sample * rounds / spacy_s
    pipeline_rate = sample * rounds / pipeline_s

    # 1,000 articles: read, analyse (filling a fresh cache), index, build the map payload.
    cache = AnalysisCache(folder / "cache.sqlite")

    def import_all() -> float:
        started = time.perf_counter()
        atlas = Atlas()
        atlas.add_many(pipeline.analyze_many((read_article(p) for p in paths), cache=cache))
        mapview.pins_feature_collection(
            atlas, event_types=[(t.name, t.color) for t in pipeline.taxonomy.types]
        )
        return time.perf_counter() - started

    first = import_all()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    reopen = import_all()  # everything from the cache now
    return {
        "spacy_raw_articles_per_s": round(spacy_rate, 1),
        "pipeline_articles_per_s": round(pipeline_rate, 1),
        "pipeline_vs_spacy_ratio": round(pipeline_rate / spacy_rate, 3),
        # Import → map ready, headless: read, analyse, index, build the pins payload
        # the page receives (the window then draws it: see page_ready_20k_s).
        "articles_1000_s": round(first, 1),
        "reopen_1000_s": round(reopen, 2),
        "peak_rss_mb_1000": round(peak_mb),
    }
