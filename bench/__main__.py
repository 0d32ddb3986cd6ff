"""``python -m bench``: run every benchmark in one process and print one JSON object.

Figures (2-core machine targets from the issues in brackets):
- pipeline: spacy_raw_articles_per_s, pipeline_articles_per_s, pipeline_vs_spacy_ratio (≥ 0.8),
  articles_1000_s (≤ 60), reopen_1000_s (≤ 2), peak_rss_mb_1000 (≤ 1,500);
- startup: cold_start_window_s (≤ 2.5), cold_start_pins_s; window_import_1000_s and
  window_reopen_1000_s (launch → 1,000 articles' pins in the real window, from an empty
  cache and then from the cache);
- page: page_ready_20k_s (≤ 1.5), filter_20k_ms (≤ 100), choropleth_20k_ms (≤ 300),
  folium_markers_2k_page_ready_s;
- gazetteer: gazetteer_load_s (≤ 0.3), geocode_lookups_per_s (≥ 50,000);
- export: png_export_current_view_s (≤ 1);
- timeline: timeline_filter_20k_ms (≤ 100), timeline_play_fps_20k (≥ 10);
- search: search_1000_ms (≤ 100), search_index_1000_s, search_places_1000_ms.

``python -m bench NAME…`` runs only those groups (pipeline, startup, page, gazetteer,
export, timeline, search).
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    """Run the benchmarks and print their figures together."""
    from mapper.pipeline import use_spawn

    use_spawn()
    from bench import export, gazetteer, page, pipeline, search, startup, timeline

    groups = {
        "pipeline": pipeline,
        "startup": startup,
        "page": page,
        "gazetteer": gazetteer,
        "export": export,
        "timeline": timeline,
        "search": search,
    }
    chosen = sys.argv[1:] or list(groups)
    unknown = [name for name in chosen if name not in groups]
    if unknown:
        sys.exit(f"bench: no group {', '.join(unknown)} (groups: {', '.join(groups)})")
    results: dict[str, object] = {}
    for name, module in ((name, groups[name]) for name in chosen):
        print(f"bench: {name}…", file=sys.stderr, flush=True)
        results.update(module.run())
        if module is startup:
            results.update(startup.run_many())
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
