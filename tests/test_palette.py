"""The event-type palette stays legible: every colour apart from every other, on every pin style,
for readers with deuteranopia too, and none of them looks like "no event type".

Colours are compared as a reader sees them on the map: solid pins show the colour, hollow
(mentioned-only) pins a ring of it, and country/state pins a border of the colour darkened 12%
over a 35% fill on the land (resources/map/dateline.css). Distances are CIE76 ΔE in CIELAB;
deuteranopia follows Machado, Oliveira & Fernandes (2009), severity 1.
"""

from __future__ import annotations

import itertools
import math

import pytest

from mapper.events.taxonomy import default_taxonomy_path, load_taxonomy
from mapper.page import mapview

RGB = tuple[float, float, float]

#: The basemap's land fill (resources/map/js/basemap.js), under country/state pins.
LAND = "#f4f1ea"
#: ΔE below which two pins read as the same colour (≈ "clearly different" at pin size).
MIN_DELTA_E = 20.0
#: Okabe–Ito's own closest pair under deuteranopia is ≈ 17: the simulation is harsher.
MIN_DELTA_E_DEUTERANOPIA = 12.0

_DEUTERANOPIA = (
    (0.367322, 0.860646, -0.227968),
    (0.280085, 0.672501, 0.047413),
    (-0.011820, 0.042940, 0.968881),
)


def _rgb(hex_colour: str) -> RGB:
    return (
        int(hex_colour[1:3], 16) / 255,
        int(hex_colour[3:5], 16) / 255,
        int(hex_colour[5:7], 16) / 255,
    )


def _linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _gamma(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def _mix(a: RGB, b: RGB, share_a: float) -> RGB:
    """CSS color-mix(in srgb, a share_a, b): a plain mix of the sRGB components."""
    return (
        a[0] * share_a + b[0] * (1 - share_a),
        a[1] * share_a + b[1] * (1 - share_a),
        a[2] * share_a + b[2] * (1 - share_a),
    )


def _deuteranopia(c: RGB) -> RGB:
    lin = [_linear(x) for x in c]
    out = [sum(row[j] * lin[j] for j in range(3)) for row in _DEUTERANOPIA]
    return (_gamma(out[0]), _gamma(out[1]), _gamma(out[2]))


def _lab(c: RGB) -> tuple[float, float, float]:
    r, g, b = (_linear(x) for x in c)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def delta_e(a: RGB, b: RGB) -> float:
    """CIE76 colour difference of two sRGB colours (0–1 components)."""
    return math.dist(_lab(a), _lab(b))


def _styles(hex_colour: str) -> dict[str, list[RGB]]:
    """What a reader sees of a pin of this colour, by pin style (dateline.css)."""
    colour = _rgb(hex_colour)
    black = (0.0, 0.0, 0.0)
    return {
        "solid": [colour],
        "hollow": [colour],  # a 3 px ring of the colour round a white centre
        # The border tells area pins apart; their pale fill only has to differ from the
        # fill of "no event type" (test_area_fills_differ_from_no_event_type).
        "area": [_mix(colour, black, 0.88)],
        "area fill": [_mix(colour, _rgb(LAND), 0.35)],
    }


def _palette() -> list[tuple[str, str]]:
    taxonomy = load_taxonomy(default_taxonomy_path())
    return [(t.name, t.color) for t in taxonomy.types]


def _closest(colours: list[tuple[str, str]], style: str, vision: str) -> tuple[float, str, str]:
    see = _deuteranopia if vision == "deuteranopia" else (lambda c: c)
    best = (math.inf, "", "")
    for (name_a, a), (name_b, b) in itertools.combinations(colours, 2):
        for part_a, part_b in zip(_styles(a)[style], _styles(b)[style], strict=True):
            d = delta_e(see(part_a), see(part_b))
            best = min(best, (d, name_a, name_b))
    return best


@pytest.mark.parametrize("style", ["solid", "hollow", "area"])
@pytest.mark.parametrize("vision", ["normal", "deuteranopia"])
def test_event_colours_are_pairwise_distinct_on_every_pin_style(style: str, vision: str) -> None:
    palette = [*_palette(), ("No event type", mapview.NO_EVENT_COLOR)]
    distance, a, b = _closest(palette, style, vision)
    limit = MIN_DELTA_E if vision == "normal" else MIN_DELTA_E_DEUTERANOPIA
    assert distance >= limit, (
        f"{a} and {b} look alike on {style} pins ({vision}): ΔE {distance:.1f}"
    )


@pytest.mark.parametrize("vision", ["normal", "deuteranopia"])
def test_area_fills_differ_from_no_event_type(vision: str) -> None:
    see = _deuteranopia if vision == "deuteranopia" else (lambda c: c)
    grey = see(_styles(mapview.NO_EVENT_COLOR)["area fill"][0])
    for name, colour in _palette():
        d = delta_e(see(_styles(colour)["area fill"][0]), grey)
        assert d >= 5, f"{name}'s country pins look untyped ({vision}): ΔE {d:.1f}"


def test_no_event_colour_is_not_an_event_colour_nor_black() -> None:
    colours = {c.upper() for _, c in _palette()}
    assert mapview.NO_EVENT_COLOR.upper() not in colours
    # Black on a country pin's 35% fill is a grey: exactly what "no event type" looks like.
    assert "#000000" not in colours
    for name, colour in _palette():
        assert _chroma(_rgb(colour)) > 15, f"{name} ({colour}) is nearly a grey"


def _chroma(colour: RGB) -> float:
    lab = _lab(colour)
    return math.hypot(lab[1], lab[2])


def test_area_pins_are_not_grey() -> None:
    # The bug of issue 16: black, on a country pin's 35% fill over the land, is a grey, and
    # grey is what "no event type" looks like. Every type's fill must carry some hue.
    assert _chroma(_styles("#000000")["area fill"][0]) < 8  # the check sees the old bug
    for name, colour in _palette():
        fill = _styles(colour)["area fill"][0]
        assert _chroma(fill) >= 8, f"{name}'s country pins are grey"
