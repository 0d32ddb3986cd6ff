// Markers: a pin's size, colour and icon, its tooltip and popup binding, the clusters,
// and showing the pins the filter leaves.

function pinColor(pin) {
  const d = state.data;
  if (!d || !d.colouring) return pin.color;
  if (pin.dominant >= 0 && pin.dominant < d.knownTypes) return d.typeColors[pin.dominant];
  return d.noEventColor;
}

function pinDiameter(count) {
  // Area grows with the mention count (sqrt scale), within readable bounds.
  return Math.round(Math.min(44, 12 + 5 * Math.sqrt(Math.max(1, count) - 1)));
}

const iconCache = new Map();
// px: popups open at least this far below the map's top edge, under the folded legend
// button (top right, about 36 px down), so it never covers a popup's close button.
const POPUP_TOP_CLEARANCE = 52;
// Popups keep clear of the zoom buttons and the Pins · Areas · Heat switch on the left.
const POPUP_LEFT_CLEARANCE = 150;

// An event place (an event of a passing excerpt happened there) is solid; a place only
// mentioned is hollow: a coloured ring round a white centre.
function isHollow(pin) {
  return !(pin.eventPassing > 0);
}

function pinIcon(size, area, hollow) {
  const key = size + (area ? 'a' : 'c') + (hollow ? 'h' : 's');
  let icon = iconCache.get(key);
  if (!icon) {
    icon = L.divIcon({
      className: 'dl-pin' + (area ? ' dl-pin-area' : '') + (hollow ? ' dl-pin-mentioned' : ''),
      iconSize: [size, size],
      popupAnchor: [0, -size / 2],
      html: ''
    });
    iconCache.set(key, icon);
  }
  return icon;
}

function isArea(pin) {
  return !(pin.kind === 'city' || pin.kind === '');
}

// The marker's element (when drawn) gets the pin's name, id and colour.
function styleIcon(marker) {
  const icon = marker.getElement();
  if (!icon) return;
  const pin = marker.dateline;
  icon.setAttribute('aria-label', pin.name);
  icon.setAttribute('data-place-id', pin.id);
  if (pin.paint) icon.style.setProperty('--dl-pin', pin.paint);
  else icon.style.removeProperty('--dl-pin');
}

// Fading by age (Dateline.setFadeByAge): off by default. When on, a pin is the fainter
// the older its newest passing excerpt is within the range shown (the filter's days, or
// every dated excerpt's when the range is open); pins with no dated excerpt stay opaque.
let fadeByAge = false;
const FADE_MIN_OPACITY = 0.25;

// The first and last day of every dated excerpt (cached on the compiled data).
function dataDays(d) {
  if (!d.daySpan) {
    let lo = 0, hi = 0;
    for (let e = 0; e < d.excerpts; e++) {
      const first = d.exFirstDay[e];
      if (!first) continue;
      if (!lo || first < lo) lo = first;
      if (d.exLastDay[e] > hi) hi = d.exLastDay[e];
    }
    d.daySpan = [lo, hi];
  }
  return d.daySpan;
}

function pinOpacity(pin) {
  const d = state.data;
  if (!fadeByAge || !d || !pin.shown) return 1;
  const span = dataDays(d);
  const lo = state.filter.firstDay !== null ? Math.max(state.filter.firstDay, span[0]) : span[0];
  const hi = state.filter.lastDay !== null ? Math.min(state.filter.lastDay, span[1]) : span[1];
  let newest = 0;
  for (let j = d.pinStart[pin.index]; j < d.pinStart[pin.index + 1]; j++) {
    const e = d.entryExcerpt[j];
    if (!entryCounts(d, j) || !d.exFirstDay[e]) continue;
    const day = Math.min(d.exLastDay[e], hi);
    if (day > newest) newest = day;
  }
  if (!newest || hi <= lo) return 1;
  const age = Math.min(1, Math.max(0, (hi - newest) / (hi - lo)));
  return Math.round((1 - age * (1 - FADE_MIN_OPACITY)) * 100) / 100;
}

// Bring a marker's size, colour and opacity up to date with its pin; cheap when nothing
// changed. True when its colour changed (its cluster's ring then needs redrawing).
function restyle(marker) {
  const pin = marker.dateline;
  const opacity = pinOpacity(pin);
  if (opacity !== pin.opacity) {
    pin.opacity = opacity;
    marker.setOpacity(opacity);
  }
  const size = pinDiameter(pin.mentions);
  const paint = pinColor(pin);
  const hollow = isHollow(pin);
  if (size !== pin.size || hollow !== pin.hollow) {
    pin.size = size;
    pin.hollow = hollow;
    const tooltip = marker.getTooltip();
    if (tooltip) tooltip.options.offset = [0, -size / 2];
    marker.setIcon(pinIcon(size, isArea(pin), hollow));  // redraws the element when on the map
    const recoloured = paint !== pin.paint;
    pin.paint = paint;
    styleIcon(marker);
    return recoloured;
  } else if (paint !== pin.paint) {
    pin.paint = paint;
    styleIcon(marker);
    return true;
  }
  return false;
}

function makeMarker(pin) {
  pin.size = pinDiameter(pin.mentions);
  pin.paint = pinColor(pin);
  pin.opacity = pinOpacity(pin);
  pin.hollow = isHollow(pin);
  const marker = L.marker([pin.lat, pin.lon], {
    icon: pinIcon(pin.size, isArea(pin), pin.hollow),
    opacity: pin.opacity,
    keyboard: true,
    riseOnHover: true
  });
  marker.dateline = pin;
  marker.bindTooltip(function () { return el('span', 'dl-tooltip-name', pin.name); }, {
    direction: 'top',
    offset: [0, -pin.size / 2],
    className: 'dl-tooltip'
  });
  marker.bindPopup(function () { return buildPopup(pin); }, {
    className: 'dl-popup',
    minWidth: 220,
    maxWidth: 340,
    maxHeight: 320,
    autoPanPadding: [24, 24],
    autoPanPaddingTopLeft: [POPUP_LEFT_CLEARANCE, POPUP_TOP_CLEARANCE]
  });
  marker.on('click', function () {
    // A country or state pin frames its area (view.js); the open popup then pans into view.
    if (isArea(pin) && frameArea(marker) && marker.isPopupOpen()) marker.getPopup().update();
    else if (isArea(pin)) frameAreaWhenLoaded(marker);
    notify('placeClicked', pin.id);
  });
  // Right-click: Python offers the other candidates for this place, or "not a place".
  marker.on('contextmenu', function () { notify('placeContextMenu', pin.id); });
  // Leaflet also opens the tooltip on click (for touch screens); the popup says more.
  marker.on('popupopen', function () { marker.closeTooltip(); });
  marker.on('add', function () { styleIcon(marker); });
  return marker;
}

const CLUSTER_RING = 6;  // px: the width of a cluster's ring of event-type colours

// A cluster's icon: a ring with one arc per event-type colour of the pins inside, its length
// their share of the pins (taxonomy order, clockwise from the top; "no event type" last),
// round the number of places. Built as a string for markercluster's divIcon: it holds
// numbers and colours checked against COLOR only, never article text.
function clusterIcon(cluster) {
  const n = cluster.getChildCount();
  const size = Math.round(30 + 8 * Math.log10(Math.max(1, n)));
  const shares = new Map();  // colour -> [order, pins]
  cluster.getAllChildMarkers().forEach(function (marker) {
    const pin = marker.dateline;
    const paint = pin && COLOR.test(pin.paint) ? pin.paint : DEFAULT_NO_EVENT_COLOR;
    const d = state.data;
    const order = pin && d && pin.dominant >= 0 && pin.dominant < d.knownTypes
      ? pin.dominant : 1e9;
    const entry = shares.get(paint);
    if (entry) entry[1] += 1;
    else shares.set(paint, [order, 1]);
  });
  const arcs = Array.from(shares.entries()).sort(function (a, b) { return a[1][0] - b[1][0]; });
  const total = arcs.reduce(function (sum, arc) { return sum + arc[1][1]; }, 0) || 1;
  const c = size / 2;
  const r = c - CLUSTER_RING / 2;
  const circumference = 2 * Math.PI * r;
  let svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ' + size + ' ' + size +
    '" aria-hidden="true">';
  let start = 0;
  arcs.forEach(function (arc) {
    const length = circumference * arc[1][1] / total;
    // A hairline gap between arcs keeps neighbours apart (none for a single colour).
    const gap = arcs.length > 1 ? Math.min(1.5, length / 3) : 0;
    svg += '<circle class="dl-cluster-arc" data-color="' + arc[0] + '" data-pins="' +
      arc[1][1] + '" cx="' + c + '" cy="' + c + '" r="' + r.toFixed(2) +
      '" fill="none" stroke="' + arc[0] + '" stroke-width="' + CLUSTER_RING +
      '" stroke-dasharray="' + (length - gap).toFixed(2) + ' ' +
      (circumference - length + gap).toFixed(2) + '" stroke-dashoffset="' +
      (-start).toFixed(2) + '" transform="rotate(-90 ' + c + ' ' + c + ')"/>';
    start += length;
  });
  svg += '</svg>';
  return L.divIcon({
    html: svg + '<span>' + String(Math.floor(n)) + '</span>',  // a number, never article text
    className: 'dl-cluster',
    iconSize: L.point(size, size)
  });
}

function shownMarkers() {
  const out = [];
  state.pins.forEach(function (pin) {
    if (pin.shown) out.push(state.markers.get(pin.id));
  });
  return out;
}

function isShown(marker) {
  return Boolean(marker && marker.dateline.shown);
}

// Show the pins the filter leaves, sized and coloured by it. Two ways, same result:
// 'diff' removes and adds only the markers whose visibility changed (markercluster
// re-clusters those alone); 'rebuild' empties the cluster group and adds every shown
// marker again. bench/page.py measures both.
function renderPins(before, strategy) {
  const cluster = state.cluster;
  const markers = [];
  const recoloured = [];
  state.pins.forEach(function (pin) {
    const marker = state.markers.get(pin.id);
    if (restyle(marker) && pin.shown) recoloured.push(marker);
    markers.push(marker);
  });
  if (strategy === 'rebuild') {
    cluster.clearLayers();
    cluster.addLayers(markers.filter(isShown));
    return;
  }
  const add = [];
  const remove = [];
  markers.forEach(function (marker, p) {
    if (marker.dateline.shown && !before[p]) add.push(marker);
    else if (!marker.dateline.shown && before[p]) remove.push(marker);
  });
  if (remove.length) cluster.removeLayers(remove);
  if (add.length) cluster.addLayers(add);
  // Pins that stayed but changed colour: their clusters' rings follow.
  const stayed = recoloured.filter(function (marker) { return add.indexOf(marker) < 0; });
  if (stayed.length) cluster.refreshClusters(stayed);
}

// Reports (state.static) cluster only the pins drawn on top of each other (4 px): a
// cluster's number tells a reader less than the pins' colours and names. Icons that still
// overlap (a dense region at world zoom) are then merged, two at a time, into one cluster
// icon (the ring of colours and the count of all their places) until no two icon boxes
// intersect: pins that stand apart stay pins, and every count stays readable. The window
// clusters at 40 px and is left alone.
const REPORT_RADIUS = 4;
let reportMerged = false;  // merged icons are drawn: the next spread starts afresh
let reportZoomHooked = false;

function reportClusterRadius() {
  return REPORT_RADIUS;
}

function clusterSize(n) {
  return Math.round(30 + 8 * Math.log10(Math.max(1, n)));
}

// A merged icon of a report: drawn among markercluster's clusters (context.js keeps
// names off it as off theirs), built without the cluster tree's bookkeeping.
const ReportCluster = L.MarkerCluster ? L.MarkerCluster.extend({
  initialize: function (latlng, markers) {
    this._reportMarkers = markers;
    L.Marker.prototype.initialize.call(this, latlng, { icon: clusterIcon(this) });
  },
  getChildCount: function () { return this._reportMarkers.length; },
  getAllChildMarkers: function () { return this._reportMarkers.slice(); }
}) : null;

// The icons drawn now, from the pins' sizes and the clusters' (not from the DOM): each
// {layers, markers, x, y, size}, x and y the icon's centre in the map's layer pixels.
function drawnIcons(map) {
  const out = [];
  state.cluster._featureGroup.eachLayer(function (layer) {
    if (!layer.getLatLng) return;
    const cluster = layer instanceof L.MarkerCluster;
    if (!cluster && !layer.dateline) return;
    const at = map.latLngToLayerPoint(layer.getLatLng());
    const markers = cluster ? layer.getAllChildMarkers() : [layer];
    out.push({
      layers: [layer], markers: markers, x: at.x, y: at.y,
      size: cluster ? clusterSize(markers.length) : layer.dateline.size
    });
  });
  return out;
}

function intersecting(a, b) {
  const reach = (a.size + b.size) / 2;
  return Math.abs(a.x - b.x) < reach && Math.abs(a.y - b.y) < reach;
}

// Merge the two icons: at the mean position of all their pins (as markercluster places
// a cluster), sized for their count.
function mergeIcons(map, a, b) {
  const markers = a.markers.concat(b.markers);
  let x = 0, y = 0;
  markers.forEach(function (marker) {
    const p = map.latLngToLayerPoint(marker.getLatLng());
    x += p.x;
    y += p.y;
  });
  return {
    layers: a.layers.concat(b.layers), markers: markers, x: x / markers.length,
    y: y / markers.length, size: clusterSize(markers.length), merged: true
  };
}

// Merge a report's overlapping icons (see above). Each merge leaves one icon fewer: it
// ends, at worst with one cluster.
function spreadReport() {
  const map = state.map;
  if (!state.static || !map || !state.cluster || !state.cluster._map || !ReportCluster) return;
  if (!reportZoomHooked) {
    reportZoomHooked = true;
    map.on('zoomend', spreadReport);  // after markercluster's own zoomend
  }
  if (reportMerged) {
    reportMerged = false;
    state.cluster.clearLayers();  // drops the merged icons; markercluster starts afresh
    state.cluster.addLayers(shownMarkers());
  }
  let icons = drawnIcons(map);
  let merged = true;
  while (merged) {
    merged = false;
    for (let i = 0; i < icons.length && !merged; i++) {
      for (let j = i + 1; j < icons.length; j++) {
        if (!intersecting(icons[i], icons[j])) continue;
        const both = mergeIcons(map, icons[i], icons[j]);
        icons = icons.filter(function (icon, k) { return k !== i && k !== j; });
        icons.push(both);
        merged = true;
        break;
      }
    }
  }
  const group = state.cluster._featureGroup;
  icons.forEach(function (icon) {
    if (!icon.merged) return;
    icon.layers.forEach(function (layer) { group.removeLayer(layer); });
    group.addLayer(new ReportCluster(map.layerPointToLatLng([icon.x, icon.y]), icon.markers));
    reportMerged = true;
  });
}

// For tests: the pin and cluster icons drawn now, as JSON {icons: [{box: [left, top,
// right, bottom] (CSS pixels), places: how many places the icon stands for, ring: the
// pins its ring of colours counts (0 for a pin)}], shown: how many places are shown}.
function iconBoxes() {
  const icons = [];
  const pane = state.map ? state.map.getPane('markerPane') : null;
  if (pane) {
    pane.querySelectorAll('.dl-pin, .dl-cluster').forEach(function (node) {
      const r = node.getBoundingClientRect();
      const cluster = node.classList.contains('dl-cluster');
      let ring = 0;  // the pins the cluster's ring of colours stands for
      node.querySelectorAll('.dl-cluster-arc').forEach(function (arc) {
        ring += Number(arc.getAttribute('data-pins'));
      });
      icons.push({
        box: [r.left, r.top, r.right, r.bottom],
        places: cluster ? Number(node.querySelector('span').textContent) : 1,
        ring: ring
      });
    });
  }
  const shown = state.pins.filter(function (pin) { return pin.shown; }).length;
  return JSON.stringify({ icons: icons, shown: shown });
}
