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
// changed.
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
    pin.paint = paint;
    styleIcon(marker);
  } else if (paint !== pin.paint) {
    pin.paint = paint;
    styleIcon(marker);
  }
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
    autoPanPadding: [24, 24]
  });
  marker.on('click', function () { notify('placeClicked', pin.id); });
  // Right-click: Python offers the other candidates for this place, or "not a place".
  marker.on('contextmenu', function () { notify('placeContextMenu', pin.id); });
  // Leaflet also opens the tooltip on click (for touch screens); the popup says more.
  marker.on('popupopen', function () { marker.closeTooltip(); });
  marker.on('add', function () { styleIcon(marker); });
  return marker;
}

function clusterIcon(cluster) {
  const n = cluster.getChildCount();
  const size = Math.round(28 + 8 * Math.log10(Math.max(1, n)));
  return L.divIcon({
    html: '<span>' + String(Math.floor(n)) + '</span>',  // a number, never article text
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
  state.pins.forEach(function (pin) {
    const marker = state.markers.get(pin.id);
    restyle(marker);
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
}
