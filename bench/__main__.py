"""``python -m bench``: run every benchmark and print one JSON object."""

from __future__ import annotations

import json

from bench import gazetteer, page


def main() -> None:
    """Run the benchmarks in one process and print their figures together."""
    results: dict[str, object] = {}
    results.update(gazetteer.run())
    results.update(page.run())
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
