// Context when zoomed in (pins view): the borders of states and provinces, and the names
// of the pins, placed so that no two names overlap and no name covers another pin.
//
// Borders come from window.DATELINE_ADMIN1 (choropleth.js loads it on demand with
// loadAdmin1; reports carry it inline) as thin grey lines under the pins. Names are written
// beside the pins that stand alone (not in a cluster) and are in view, most mentioned
// first: each tries the right, the left, above and below its pin and is left out when all
// four would cover a name already placed, a pin, a cluster or a control of the map. They are DOM elements in
// their own pane, so PNG and PDF reports (rendered from this page) show them too; the
// country labels (basemap.js) then keep clear of them (state.reserved). Placed again,
// shortly after the map stops moving, when the pins, the filter or the view change.

// From this zoom the states' and provinces' borders are drawn (country level below it).
const CONTEXT_BORDERS_ZOOM = 5;
// From this zoom the window's map names its pins (reports name them at any zoom: a
// printed map has no tooltips).
const CONTEXT_LABELS_ZOOM = 4;
// ms: placing waits for the map to settle (a drag or wheel sends many moveends).
const CONTEXT_DELAY_MS = 150;
const CONTEXT_LABEL_GAP = 3;  // px between a pin's edge and its name
const CONTEXT_LABEL_PAD = 1;  // px kept clear round a name

const context = {
  borders: null,   // L.layerGroup of the borders of the states and provinces near the view
  shapes: null,    // [{feature, bounds, layer}] (borderShapes)
  labels: null,    // L.layerGroup of the names
  placed: [],      // [{id, name, box: [left, top, right, bottom]}] in map container px
  obstacles: [],   // boxes of the pins and clusters in view
  timer: null
};

function initContext() {
  const map = state.map;
  if (!map.getPane('dl-admin1-lines')) {
    // Above the land (overlay pane, 400), under the choropleth (410) and the pins.
    const pane = map.createPane('dl-admin1-lines');
    pane.style.zIndex = 405;
    pane.style.pointerEvents = 'none';
  }
  if (!map.getPane('dl-pin-labels')) map.createPane('dl-pin-labels');
  context.labels = L.layerGroup().addTo(map);
  if (!state.static) {
    map.on('zoomend moveend resize', scheduleContext);
    // Clusters split and merge after a zoom has ended (markercluster's animation).
    if (state.cluster) state.cluster.on('animationend', scheduleContext);
  }
  refreshContext();
}

// Place again once the map has settled (debounced). Reports place once, at init.
function scheduleContext() {
  if (!state.map || !context.labels || state.static) return;
  if (context.timer !== null) clearTimeout(context.timer);
  context.timer = setTimeout(function () {
    context.timer = null;
    refreshContext();
  }, CONTEXT_DELAY_MS);
}

function refreshContext() {
  if (!state.map || !context.labels) return;
  try {
    updateBorders();
  } catch (error) {
    console.error('Dateline: borders not drawn: ' + error);
  }
  placeLabels();
  updateLabels();  // basemap.js: the country labels keep clear of the names
}

const BORDER_STYLE = {
  className: 'dl-admin1-line', weight: 0.7, color: '#a39c8f', opacity: 0.8,
  dashArray: '3 2', fill: false
};

// Each state or province with its bounds, and its layer once made. Thousands of shapes
// on the map at once make every zoom cost a quarter of a second: only those near the
// view are on it.
function borderShapes() {
  if (!context.shapes) {
    const features = window.DATELINE_ADMIN1 && Array.isArray(window.DATELINE_ADMIN1.features)
      ? window.DATELINE_ADMIN1.features : [];
    context.shapes = [];
    features.forEach(function (feature) {
      try {
        const bounds = L.geoJSON(feature).getBounds();
        if (bounds.isValid()) context.shapes.push({ feature: feature, bounds: bounds, layer: null });
      } catch (error) {
        // A shape Leaflet cannot read is left out; the others are still drawn.
      }
    });
  }
  return context.shapes;
}

function updateBorders() {
  const map = state.map;
  const wanted = mapView.name === 'pins' && map.getZoom() >= CONTEXT_BORDERS_ZOOM;
  if (wanted && !window.DATELINE_ADMIN1) {
    loadAdmin1();  // choropleth.js; calls scheduleContext once loaded
    return;
  }
  if (!context.borders) {
    if (!wanted) return;
    context.borders = L.layerGroup().addTo(map);
  }
  const near = wanted ? map.getBounds().pad(0.5) : null;
  borderShapes().forEach(function (shape) {
    const show = near !== null && near.intersects(shape.bounds);
    if (show && !shape.layer) {
      shape.layer = L.geoJSON(shape.feature, {
        pane: 'dl-admin1-lines', interactive: false, style: function () { return BORDER_STYLE; }
      });
    }
    if (!shape.layer) return;
    const shown = context.borders.hasLayer(shape.layer);
    if (show && !shown) context.borders.addLayer(shape.layer);
    else if (!show && shown) context.borders.removeLayer(shape.layer);
  });
}

function boxesOverlap(a, b) {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

// The pins standing alone in view (with their boxes), and the boxes of the clusters.
function visiblePins(map) {
  const size = map.getSize();
  const inView = function (p, r) {
    return p.x >= -r && p.y >= -r && p.x <= size.x + r && p.y <= size.y + r;
  };
  const pins = [];
  const obstacles = [];
  shownMarkers().forEach(function (marker) {
    if (state.cluster.getVisibleParent(marker) !== marker) return;  // in a cluster
    const pin = marker.dateline;
    const p = map.latLngToContainerPoint(marker.getLatLng());
    const r = pin.size / 2;
    if (!inView(p, r)) return;
    const box = [p.x - r, p.y - r, p.x + r, p.y + r];
    pins.push({ marker: marker, pin: pin, p: p, r: r, box: box });
    obstacles.push(box);
  });
  // markercluster keeps the clusters drawn now in its feature group (not a public API).
  const group = state.cluster._featureGroup;
  if (group && typeof group.eachLayer === 'function') {
    group.eachLayer(function (layer) {
      if (!(layer instanceof L.MarkerCluster)) return;
      const icon = layer.options.icon && layer.options.icon.options;
      const side = icon && icon.iconSize ? L.point(icon.iconSize).x : 40;
      const p = map.latLngToContainerPoint(layer.getLatLng());
      if (!inView(p, side / 2)) return;
      obstacles.push([p.x - side / 2, p.y - side / 2, p.x + side / 2, p.y + side / 2]);
    });
  }
  return { pins: pins, obstacles: obstacles };
}

// The boxes of the map's controls (legend, switch, zoom buttons, scale, credits): a name
// under one could not be read.
function controlBoxes(map) {
  const container = map.getContainer();
  const origin = container.getBoundingClientRect();
  const boxes = [];
  container.querySelectorAll('.leaflet-control').forEach(function (node) {
    const r = node.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) {
      boxes.push([r.left - origin.left, r.top - origin.top, r.right - origin.left,
        r.bottom - origin.top]);
    }
  });
  return boxes;
}

// Where a name of `width` may go beside a pin at `p` of radius `r`: right, left, above,
// below (container px).
function labelBoxes(p, r, width) {
  const h = LABEL_HEIGHT;
  const gap = CONTEXT_LABEL_GAP;
  return [
    [p.x + r + gap, p.y - h / 2, p.x + r + gap + width, p.y + h / 2],
    [p.x - r - gap - width, p.y - h / 2, p.x - r - gap, p.y + h / 2],
    [p.x - width / 2, p.y - r - gap - h, p.x + width / 2, p.y - r - gap],
    [p.x - width / 2, p.y + r + gap, p.x + width / 2, p.y + r + gap + h]
  ];
}

function placeLabels() {
  const map = state.map;
  context.labels.clearLayers();
  context.placed = [];
  context.obstacles = [];
  state.reserved = [];
  state.pinNames = null;
  const named = mapView.name === 'pins' && state.cluster && map.hasLayer(state.cluster) &&
    (state.static || map.getZoom() >= CONTEXT_LABELS_ZOOM);
  if (!named) return;
  const size = map.getSize();
  const seen = visiblePins(map);
  context.obstacles = seen.obstacles;
  // Most mentioned first (ties: payload order, itself most mentioned first).
  const pins = seen.pins.slice().sort(function (a, b) {
    return (b.pin.mentions - a.pin.mentions) || (a.pin.index - b.pin.index);
  });
  const taken = [];  // placed names' boxes, padded
  const controls = controlBoxes(map);
  const origin = map.containerPointToLayerPoint([0, 0]);
  state.pinNames = new Set();
  pins.forEach(function (item) {
    const name = toText(item.pin.name);
    if (!name) return;
    const width = Math.ceil(textWidth(name));
    const pad = CONTEXT_LABEL_PAD;
    const box = labelBoxes(item.p, item.r, width).find(function (b) {
      const padded = [b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad];
      if (padded[0] < 0 || padded[1] < 0 || padded[2] > size.x || padded[3] > size.y) return false;
      return !taken.some(function (o) { return boxesOverlap(padded, o); }) &&
        !seen.obstacles.some(function (o) { return boxesOverlap(padded, o); }) &&
        !controls.some(function (o) { return boxesOverlap(padded, o); });
    });
    if (!box) return;
    taken.push([box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad]);
    context.placed.push({ id: item.pin.id, name: name, box: box.slice() });
    state.pinNames.add(name);
    const text = el('span', '', name);
    // Relative to the pin's point; the stylesheet's vertical centring is not wanted here.
    text.style.transform = 'none';
    text.style.left = (box[0] - item.p.x) + 'px';
    text.style.top = (box[1] - item.p.y + (LABEL_HEIGHT - 11) / 2) + 'px';
    context.labels.addLayer(L.marker(item.marker.getLatLng(), {
      icon: L.divIcon({ className: 'dl-pin-label', iconSize: [0, 0], html: text }),
      interactive: false,
      keyboard: false,
      pane: 'dl-pin-labels'
    }));
  });
  // basemap.js works in absolute map pixels (map.project at the zoom); these are
  // container pixels: shift them by the container's origin in the layer.
  const pixelOrigin = map.getPixelOrigin();
  const shift = function (b) {
    return [b[0] + origin.x + pixelOrigin.x, b[1] + origin.y + pixelOrigin.y,
      b[2] + origin.x + pixelOrigin.x, b[3] + origin.y + pixelOrigin.y];
  };
  state.reserved = taken.concat(seen.obstacles).map(shift);
}

// For tests: JSON {"zoom", "borders" (drawn paths of state/province borders), "labels":
// [{"id", "name", "box"}] as placed, "drawn": [[left, top, right, bottom]] of the names'
// elements as the browser lays them out, and "pins": [{"id", "box"}] of the pins standing
// alone in view}. Boxes in map container pixels.
function labelState() {
  const map = state.map;
  if (!map) return 'null';
  const origin = map.getContainer().getBoundingClientRect();
  const drawn = [];
  map.getContainer().querySelectorAll('.dl-pin-label span').forEach(function (node) {
    const r = node.getBoundingClientRect();
    drawn.push([r.left - origin.left, r.top - origin.top, r.right - origin.left,
      r.bottom - origin.top]);
  });
  const pins = [];
  if (state.cluster) {
    visiblePins(map).pins.forEach(function (item) {
      pins.push({ id: item.pin.id, box: item.box });
    });
  }
  return JSON.stringify({
    zoom: map.getZoom(),
    borders: map.getContainer().querySelectorAll('.dl-admin1-line').length,
    labels: context.placed,
    drawn: drawn,
    pins: pins
  });
}
