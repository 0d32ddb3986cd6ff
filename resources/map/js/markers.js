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
