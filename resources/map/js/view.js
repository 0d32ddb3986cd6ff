// Where the map looks: the world, the pins framed clear of the legend, a pin brought
// out of its cluster.

function showWorld() {
  const map = state.map;
  if (map.getSize().x > 0 && map.getSize().y > 0) map.fitBounds(WORLD, { animate: false });
  else map.setView([20, 0], 2, { animate: false });
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
  map.setView(view.center, view.zoom, { animate: false });
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
