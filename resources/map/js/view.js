// Where the map looks: the world, the pins framed clear of the legend, a pin brought
// out of its cluster.

// Pins south of this are in Antarctica (or its seas); a view shows it only for them.
const ANTARCTIC = -60;
// A view lifted off Antarctica ends here (WORLD's south edge).
const SOUTH_EDGE = WORLD[0][0];
// Mercator's edge: a view lifted north never shows beyond it (grey nothing).
const NORTH_EDGE = 85;
// Pixels kept between a pin's edge and the map's when a world view is zoomed in to leave
// out Antarctica (less than FIT_PADDING: such a view has little width to spare).
const EDGE_ROOM = 4;

function showWorld() {
  const map = state.map;
  if (map.getSize().x > 0 && map.getSize().y > 0) {
    map.fitBounds(WORLD, { animate: false });
    // A tall map fits WORLD's width and shows far more south than WORLD: lift it.
    const view = liftOffAntarctica(map.getCenter(), map.getZoom(), null);
    // Still down to the ice (a square-ish map): zoom in, centred across as fitted.
    const middle = L.latLng(20, map.getCenter().lng);
    showView(zoomOffAntarctica(L.latLngBounds([middle, middle]), view, null));
  } else {
    map.setView([20, 0], 2, { animate: false });
  }
}

// The view (centre, zoom) moved north until its bottom edge is at SOUTH_EDGE, as far as
// Mercator's north edge and `keep` (a map pixel y at this zoom that must stay in view:
// the southmost pin and its padding; null for none) allow. Unchanged when the view ends
// north of SOUTH_EDGE already.
function liftOffAntarctica(center, zoom, keep) {
  const map = state.map;
  const size = map.getSize();
  const middle = map.project(center, zoom);
  const top = middle.y - size.y / 2;
  const bottom = middle.y + size.y / 2;
  const limit = map.project([SOUTH_EDGE, 0], zoom).y;
  if (!size.y || bottom <= limit) return { center: center, zoom: zoom };
  let room = top - map.project([NORTH_EDGE, 0], zoom).y;
  if (keep !== null) room = Math.min(room, bottom - keep);
  const shift = Math.min(bottom - limit, Math.max(0, room));
  return { center: map.unproject(middle.subtract([0, shift]), zoom), zoom: zoom };
}

function frameMarkers() {
  const map = state.map;
  const points = shownMarkers().map(function (marker) { return marker.getLatLng(); });
  if (!points.length) return;
  const bounds = L.latLngBounds(points);
  const size = map.getSize();
  if (!size.x || !size.y) {
    map.fitBounds(bounds, { padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, animate: false });
    return;
  }
  // Work the view out first and move once: every move re-projects the whole basemap.
  const pad = L.point(FIT_PADDING);
  let view = boundsView(bounds, pad, pad);
  const legend = legendBox();
  const covered = legend && points.some(function (latlng) {
    const p = map.project(latlng, view.zoom).subtract(view.origin);
    return p.x >= legend.left && p.x <= legend.right && p.y >= legend.top &&
      p.y <= legend.bottom;
  });
  // A pin under the legend: fit into the room beside it instead.
  if (covered) view = boundsView(bounds, pad, pad.add([legend.right - legend.left, 0]));
  // Pins all over the world (Alaska to New Zealand) need less than the world's own zoom:
  // that view would draw a small, off-centre world. The world view shows them all.
  if (view.zoom < map.getBoundsZoom(WORLD)) {
    showWorld();
    return;
  }
  // Nothing in Antarctica: a view that would show it (a tall map) is lifted, keeping the
  // southmost pin (and its padding) in view.
  if (bounds.getSouth() > ANTARCTIC) {
    const keep = map.project(bounds.getSouthWest(), view.zoom).y + pad.y;
    const lifted = liftOffAntarctica(view.center, view.zoom, keep);
    view = { center: lifted.center, zoom: view.zoom, origin: view.origin };
    view = zoomOffAntarctica(bounds, view, legend);
  }
  showView(view);
}

// Move to a view (centre, zoom), its zoom exactly as it is when it says so (``exact``).
function showView(view) {
  const map = state.map;
  const snap = map.options.zoomSnap;
  if (view.exact) map.options.zoomSnap = 0; // setView would round the zoom to the snap
  try {
    map.setView(view.center, view.zoom, { animate: false });
  } finally {
    map.options.zoomSnap = snap;
  }
}

// A world view on a square-ish map shows the whole height of the world (Web Mercator fits
// the whole width and height at once), down to -85°, and lifting cannot help when the top
// is at Mercator's edge already. Zoom in until the band SOUTH_EDGE…NORTH_EDGE fills the
// height, cutting off longitude only where no pin is, or as far towards it as the pins
// allow: the view, unchanged when it ends north of SOUTH_EDGE already or no closer zoom
// keeps every pin clear of the edges and the legend. Its zoom is exact (``exact``): the
// zoom snap would round it up and cut off the pins at the sides.
function zoomOffAntarctica(bounds, view, legend) {
  const map = state.map;
  const size = map.getSize();
  const middle = map.project(view.center, view.zoom);
  if (middle.y + size.y / 2 <= map.project([SOUTH_EDGE, 0], view.zoom).y + 1) return view;
  const band = map.project([SOUTH_EDGE, 0], 0).y - map.project([NORTH_EDGE, 0], 0).y;
  const room = legend ? legend.right - legend.left : 0;
  const edges = pinEdges(bounds);
  // Beside the legend only when a pin would be under it otherwise.
  const rights = room ? [0, room] : [0];
  for (let r = 0; r < rights.length; r++) {
    const sw = map.project(bounds.getSouthWest(), 0);
    const ne = map.project(bounds.getNorthEast(), 0);
    const wide = edges.west + edges.east + 2 * EDGE_ROOM + rights[r];
    const tall = edges.south + edges.north + 2 * EDGE_ROOM;
    const across = (size.x - wide) / Math.max(ne.x - sw.x, 1e-9);
    const down = (size.y - tall) / Math.max(sw.y - ne.y, 1e-9);
    const zoom = Math.min(Math.log2(size.y / band), Math.log2(across), Math.log2(down),
      FIT_MAX_ZOOM);
    if (zoom <= view.zoom + 0.01) return view;
    const placed = placeOffAntarctica(bounds, zoom, rights[r], edges);
    if (!pinsUnder(placed, legend)) return placed;
  }
  return view;
}

// The view at `zoom` with the pins centred across (`right` pixels left free on the right)
// and its bottom at SOUTH_EDGE (lower if the southmost pin needs it, higher if Mercator's
// north edge does); `edges`: how far the outermost pins' icons reach (pinEdges).
function placeOffAntarctica(bounds, zoom, right, edges) {
  const map = state.map;
  const size = map.getSize();
  const sw = map.project(bounds.getSouthWest(), zoom).add([-edges.west, edges.south]);
  const ne = map.project(bounds.getNorthEast(), zoom).add([edges.east, -edges.north]);
  let bottom = Math.max(map.project([SOUTH_EDGE, 0], zoom).y, sw.y + EDGE_ROOM);
  bottom = Math.max(bottom, map.project([NORTH_EDGE, 0], zoom).y + size.y);
  bottom = Math.min(bottom, ne.y - EDGE_ROOM + size.y); // the northmost pin stays too
  const centre = L.point((sw.x + ne.x + right) / 2, bottom - size.y / 2);
  return {
    center: map.unproject(centre, zoom),
    zoom: zoom,
    origin: centre.subtract(size.divideBy(2)),
    exact: true
  };
}

// Half the icon size of the westmost, eastmost, southmost and northmost shown pins (in
// pixels; 0 for a lone point, as showWorld's): how far past `bounds` their icons reach.
function pinEdges(bounds) {
  const edges = { west: 0, east: 0, south: 0, north: 0 };
  shownMarkers().forEach(function (marker) {
    const icon = marker.options.icon && marker.options.icon.options;
    const iconSize = icon && icon.iconSize;
    const half = iconSize ? L.point(iconSize).x / 2 : 0;
    const at = marker.getLatLng();
    if (at.lng <= bounds.getWest()) edges.west = Math.max(edges.west, half);
    if (at.lng >= bounds.getEast()) edges.east = Math.max(edges.east, half);
    if (at.lat <= bounds.getSouth()) edges.south = Math.max(edges.south, half);
    if (at.lat >= bounds.getNorth()) edges.north = Math.max(edges.north, half);
  });
  return edges;
}

// Whether a shown pin lands under the legend (its box, or null) in `view`.
function pinsUnder(view, legend) {
  if (!legend) return false;
  const map = state.map;
  return shownMarkers().some(function (marker) {
    const p = map.project(marker.getLatLng(), view.zoom).subtract(view.origin);
    return p.x >= legend.left && p.x <= legend.right && p.y >= legend.top &&
      p.y <= legend.bottom;
  });
}

// What map.fitBounds would do (Leaflet 1.9's _getBoundsCenterZoom, from public calls),
// plus the top-left pixel of the view, to test where points would land.
function boundsView(bounds, paddingTL, paddingBR) {
  const map = state.map;
  let zoom = map.getBoundsZoom(bounds, false, paddingTL.add(paddingBR));
  zoom = Math.min(FIT_MAX_ZOOM, zoom);
  const offset = paddingBR.subtract(paddingTL).divideBy(2);
  const sw = map.project(bounds.getSouthWest(), zoom);
  const ne = map.project(bounds.getNorthEast(), zoom);
  const centre = sw.add(ne).divideBy(2).add(offset);
  return {
    center: map.unproject(centre, zoom),
    zoom: zoom,
    origin: centre.subtract(map.getSize().divideBy(2))
  };
}

// The legend's box in map container pixels (with a margin), or null when not shown.
function legendBox() {
  const root = state.legend && state.legend._root;
  if (!root || !root.offsetWidth) return null;
  const box = root.getBoundingClientRect();
  const origin = state.map.getContainer().getBoundingClientRect();
  const margin = 8;
  return {
    left: box.left - origin.left - margin,
    top: box.top - origin.top - margin,
    right: box.right - origin.left + margin,
    bottom: box.bottom - origin.top + margin
  };
}

// Bring a marker out of its cluster (zooming or panning as needed), then run done()
// unless another reveal started meanwhile.
function reveal(marker, done) {
  const token = ++state.revealToken;
  const finish = function () {
    if (token === state.revealToken) done();
  };
  if (document.visibilityState === 'visible') state.cluster.zoomToShowLayer(marker, finish);
  else revealWithoutAnimation(marker, finish);
  return token;
}

// A hidden page gets no animation frames, so zoomToShowLayer (which waits for the zoom
// animation) would never finish: step in without animating instead.
function revealWithoutAnimation(marker, finish) {
  const map = state.map;
  const latlng = marker.getLatLng();
  let parent = state.cluster.getVisibleParent(marker);
  while (parent !== marker && map.getZoom() < map.getMaxZoom()) {
    map.setView(latlng, Math.min(map.getMaxZoom(), Math.floor(map.getZoom()) + 1),
      { animate: false });
    parent = state.cluster.getVisibleParent(marker);
  }
  if (!map.getBounds().contains(latlng)) map.setView(latlng, map.getZoom(), { animate: false });
  if (parent && parent !== marker && typeof parent.spiderfy === 'function') {
    // Same place at the deepest zoom: fan the cluster out once markercluster has
    // finished its (timer-driven) zoom bookkeeping; it refuses to spiderfy before.
    setTimeout(function () {
      parent.spiderfy();
      finish();
    }, 350);
    return;
  }
  finish();
}

// Leaflet learns about a new window size on the next animation frame, which a hidden
// page never gets; measure now so fitting and unclustering use the real size.
function syncSize() {
  state.map.invalidateSize({ animate: false, pan: false });
}

// -- the bounds of an area pin -------------------------------------------------------

// The extent of an area's shape, as [[south, west], [north, east]], or null: the feature
// of `collection` with this id (any feature when id is ''), its polygon part that holds
// the point (lat, lon). An area's pin stands at a point inside it; the part round it is
// what the reader wants to see (Alaska and Hawaii would frame the whole Pacific for the
// United States). A named shape whose parts all miss the point gives its largest part.
function shapeBounds(collection, id, lat, lon) {
  const features = collection && Array.isArray(collection.features) ? collection.features : [];
  let largest = null;
  let largestArea = -1;
  for (let f = 0; f < features.length; f++) {
    const feature = features[f];
    const geometry = feature && feature.geometry;
    if (!geometry || (id && String(feature.id) !== id)) continue;
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates]
      : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
    for (let p = 0; p < polygons.length; p++) {
      const ring = polygons[p] && polygons[p][0];
      if (!Array.isArray(ring) || ring.length < 3) continue;
      const box = ringBounds(ring);
      const area = (box[1][0] - box[0][0]) * (box[1][1] - box[0][1]);
      if (id && area > largestArea) {
        largest = box;
        largestArea = area;
      }
      if (lat < box[0][0] || lat > box[1][0] || lon < box[0][1] || lon > box[1][1]) continue;
      if (insideRing(ring, lon, lat)) return box;
    }
  }
  return largest;
}

function ringBounds(ring) {
  let south = 90, west = 180, north = -90, east = -180;
  for (let i = 0; i < ring.length; i++) {
    const x = ring[i][0], y = ring[i][1];
    if (y < south) south = y;
    if (y > north) north = y;
    if (x < west) west = x;
    if (x > east) east = x;
  }
  return [[south, west], [north, east]];
}

// Even-odd rule: does the ring ([lon, lat] points) hold the point?
function insideRing(ring, x, y) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
    if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// The view that frames an area pin's country or state/province (by the shape the payload
// names, else the country round the pin), or null for other pins and unknown shapes.
function areaView(pin) {
  let box = null;
  if (pin.kind === 'country') {
    box = shapeBounds(window.DATELINE_BASEMAP, pin.cid, pin.lat, pin.lon) ||
      shapeBounds(window.DATELINE_BASEMAP, '', pin.lat, pin.lon);
  } else if (pin.kind === 'admin1' && pin.a1) {
    box = shapeBounds(window.DATELINE_ADMIN1, pin.a1, pin.lat, pin.lon);
  }
  if (!box) return null;
  const pad = L.point(FIT_PADDING);
  const view = boundsView(L.latLngBounds(box), pad, pad);
  return { center: view.center, zoom: Math.max(view.zoom, 2), bounds: L.latLngBounds(box) };
}

// A click on a country or state pin frames it, unless the map shows it whole already at
// about that zoom (a reader who zoomed in on purpose keeps the view).
function frameArea(marker) {
  const view = areaView(marker.dateline);
  const map = state.map;
  if (!view) return false;
  const zoom = map.getZoom();
  if (map.getBounds().contains(view.bounds) && zoom >= view.zoom && zoom <= view.zoom + 1) {
    return false;
  }
  state.viewChosen = true;
  map.setView(view.center, view.zoom, { animate: false });
  return true;
}

// A state's shapes come with the choropleth's big states-and-provinces script, which the
// window's page loads only when first needed (choropleth.js, loadAdmin1): load it for a
// state pin, and frame the state once it is there, unless the reader has moved on.
function frameAreaWhenLoaded(marker) {
  const pin = marker.dateline;
  if (pin.kind !== 'admin1' || !pin.a1 || window.DATELINE_ADMIN1) return;
  if (typeof loadAdmin1 !== 'function') return;
  loadAdmin1();
  const token = state.revealToken;
  let tries = 0;
  const check = function () {
    if (token !== state.revealToken) return;
    if (!window.DATELINE_ADMIN1) {
      if (++tries < 100) setTimeout(check, 100);
      return;
    }
    if (frameArea(marker) && marker.isPopupOpen()) marker.getPopup().update();
  };
  setTimeout(check, 100);
}
