// What Python calls (mapper.page.mapview.JS_API, through js_call), the Qt WebChannel bridge,
// and window.Dateline. Joined last.

// Show these pins (a FeatureCollection from mapview.pins_feature_collection), under the
// current filter. Returns how many pins are shown.
function setPins(collection, options) {
  if (!state.map) return 0;
  if (typeof collection === 'string') collection = JSON.parse(collection);
  const features = collection && Array.isArray(collection.features) ? collection.features : [];
  const meta = readMeta(collection);
  // While articles arrive, pins come again every few seconds: the reader's view and
  // open popup stay (the first pins, or pins after none, are framed).
  const openPin = openPopupPin();
  const reopen = openPin ? openPin.id : null;
  const keepView = state.pins.length > 0 && (state.viewChosen || reopen !== null);
  state.revealToken++;
  syncSize();
  state.map.closePopup();
  state.cluster.clearLayers();
  state.markers = new Map();
  state.pins = [];
  features.forEach(function (feature) {
    const pin = readPin(feature);
    if (!pin || state.markers.has(pin.id)) return;
    pin.index = state.pins.length;
    state.pins.push(pin);
    state.markers.set(pin.id, null);
  });
  state.actorNames = meta.actors;
  state.data = compile(state.pins, meta);
  applyFilter();
  state.pins.forEach(function (pin) { state.markers.set(pin.id, makeMarker(pin)); });
  const shown = shownMarkers();
  updateLegend(meta);
  // Frame first: markercluster then draws the clusters of the final zoom only.
  if (!(options && options.fit === false) && !keepView) frameMarkers();
  state.cluster.addLayers(shown);
  spreadReport();  // markers.js: a report's icons never overlap
  const marker = reopen === null ? null : shownMarker(reopen);
  // Reopened only where it is still a pin of its own (new pins may cluster with it).
  if (marker && state.cluster.getVisibleParent(marker) === marker) marker.openPopup();
  refreshMapView();
  return shown.length;
}

// Narrow the pins to the excerpts that pass `filter` ({actors, eventTypes, articles}:
// lists of ids/names, or null for an open facet; "" in eventTypes = no event type), in
// place. Kept for later setPins calls. Returns JSON {"pins", "excerpts", "ms"}: pins
// shown, distinct excerpts passing, and the time taken here in milliseconds.
// options.strategy ('diff', the default, or 'rebuild') is for measuring (bench/page.py).
function setFilter(filter, options) {
  const started = performance.now();
  state.filter = readFilter(filter);
  let result = { pins: 0, excerpts: 0 };
  if (state.map && state.data) {
    const before = state.pins.map(function (pin) { return pin.shown; });
    result = applyFilter();
    renderPins(before, options && options.strategy);
    refreshOpenPopup();
    refreshMapView();
  }
  markLegend();
  result.ms = performance.now() - started;
  return JSON.stringify(result);
}

// Fade pins by age within the range shown (true) or draw them all opaque (false).
// Returns how many shown pins are faded (drawn at less than full opacity).
function setFadeByAge(on) {
  fadeByAge = on === true;
  let faded = 0;
  state.pins.forEach(function (pin) {
    const marker = state.markers.get(pin.id);
    if (!marker) return;
    restyle(marker);
    if (pin.shown && pin.opacity < 1) faded += 1;
  });
  return faded;
}

// The opacity of each shown pin, by id, as JSON (tests).
function pinOpacities() {
  const out = {};
  state.pins.forEach(function (pin) { if (pin.shown) out[pin.id] = pin.opacity; });
  return JSON.stringify(out);
}

function filterState() {
  return JSON.stringify(state.filter);
}

function shownMarker(placeId) {
  const marker = state.map && state.markers.get(String(placeId));
  return isShown(marker) ? marker : null;
}

function flyTo(placeId) {
  const map = state.map;
  const marker = shownMarker(placeId);
  if (!marker) return false;
  showPins();  // choropleth.js
  state.viewChosen = true;
  syncSize();
  const token = ++state.revealToken;
  // Zoom to suit the kind of place (out for a country, in for a town); stay put when the
  // pin is already on screen at about that zoom.
  // A country or state: its extent (view.js, areaView), not a fixed zoom on its middle.
  const area = areaView(marker.dateline);
  const target = area ? area.zoom : FLY_ZOOM[marker.dateline.kind] || 5;
  const zoom = map.getZoom();
  const open = function () {
    if (token !== state.revealToken) return;
    reveal(marker, function () {
      marker.openPopup();
      if (!area) frameAreaWhenLoaded(marker);  // a state whose shape is not loaded yet
    });
  };
  const latlng = area ? area.center : marker.getLatLng();
  if (zoom >= target && zoom <= target + 2 &&
      map.getBounds().pad(-0.1).contains(marker.getLatLng())) {
    open();
  } else if (document.visibilityState === 'visible') {
    map.once('moveend', open);
    map.flyTo(latlng, target, { duration: 0.8 });
  } else {
    // Hidden pages get no animation frames; jump instead of flying.
    map.setView(latlng, target, { animate: false });
    open();
  }
  return true;
}

function firePin(placeId, eventName) {
  const marker = shownMarker(placeId);
  if (!marker) return false;
  showPins();  // choropleth.js
  syncSize();
  reveal(marker, function () {
    marker.fire(eventName, { latlng: marker.getLatLng() });
  });
  return true;
}

// What a user's click / right-click on the pin does (tests and keyboard users).
function clickPin(placeId) { return firePin(placeId, 'click'); }
function contextPin(placeId) { return firePin(placeId, 'contextmenu'); }

// Fit Map to Pins (View menu): a popup left open would pan the map away again.
function fitPins() {
  if (state.map) state.map.closePopup();
  state.viewChosen = false;  // the reader asked for every pin: new ones are framed too
  if (shownMarkers().length) frameMarkers();
  else showWorld();  // no pin to fit: the world, as the map opens
  return shownMarkers().length;
}

// Ids of the pins shown (the filter's survivors), most mentioned first.
function pinIds() {
  return JSON.stringify(state.pins.filter(function (pin) { return pin.shown; })
    .map(function (pin) { return pin.id; }));
}

function isReady() {
  return state.ready;
}

// Put the map where a saved project left it.
function setView(lat, lon, zoom) {
  if (!state.map) return false;
  state.viewChosen = true;
  state.map.setView([Number(lat), Number(lon)], Number(zoom), { animate: false });
  return true;
}

// The map's current centre and zoom, as JSON {"lat", "lon", "zoom"} ("null" before
// init): the window exports "what is on screen" by handing this to the report page.
function viewState() {
  const map = state.map;
  if (!map) return 'null';
  const centre = map.getCenter();
  const round = function (value) { return Math.round(value * 1e6) / 1e6; };
  return JSON.stringify({
    lat: round(centre.lat),
    lon: round(L.Util.wrapNum(centre.lng, [-180, 180], true)),
    zoom: map.getZoom(),
    // What the view shows, [south, west, north, east] (tests of framing; not restored).
    bounds: [map.getBounds().getSouth(), map.getBounds().getWest(), map.getBounds().getNorth(),
      map.getBounds().getEast()].map(round)
  });
}

function popupText() {
  const popup = shownPopup();
  if (!popup) return 'null';
  const node = popup.getElement();
  const content = node && node.querySelector('.leaflet-popup-content');
  return JSON.stringify(content ? content.textContent : '');
}

// Report pages, for ui/snapshot.py, which polls this before it grabs or prints: JSON
// {"state": "wait"} until the page is drawn (window.datelineReady), {"state": "frame"}
// for two animation frames more (so the frame that shows the final drawing has been
// produced by Chromium, not only scheduled), then {"state": "ready", "map": [left, top,
// width, height]}: where the map is in the composition, in CSS pixels (null: no map).
let snapshotFramed = null;  // null: not asked yet; false: waiting for the frames

function snapshotState() {
  if (window.datelineReady !== true) return JSON.stringify({ state: 'wait' });
  if (snapshotFramed === null) {
    snapshotFramed = false;
    window.requestAnimationFrame(function () {
      window.requestAnimationFrame(function () { snapshotFramed = true; });
    });
  }
  if (!snapshotFramed) return JSON.stringify({ state: 'frame' });
  const box = state.map ? state.map.getContainer().getBoundingClientRect() : null;
  return JSON.stringify({
    state: 'ready',
    map: box ? [box.left, box.top, box.width, box.height] : null,
    // The sources printed on the pages after the map (frame.css): print them all.
    appendix: document.querySelector('.dl-frame-appendix') !== null
  });
}

// A report printed on paper (ui/snapshot.py): the page's own printed page size (the
// composition's, a CSS page rule) gives way to the paper's, and the page is zoomed by
// `zoom` to fit it (null: not zoomed), and the sources listed after the map start on the
// paper's second page (`paperHeight` CSS px down, unzoomed). The page's
// Content-Security-Policy allows these CSSOM changes, not new style elements.
function prepareForPaper(zoom, paperHeight) {
  Array.prototype.forEach.call(document.styleSheets, function (sheet) {
    let rules;
    try { rules = sheet.cssRules; } catch (error) { return; }
    for (let i = rules.length - 1; i >= 0; i--) {
      if (rules[i].type === CSSRule.PAGE_RULE) sheet.deleteRule(i);
    }
  });
  const factor = Number(zoom);
  const zoomed = zoom !== null && factor > 0 && isFinite(factor);
  document.documentElement.style.zoom = zoomed ? String(factor) : '';
  const appendix = document.querySelector('.dl-frame-appendix');
  const height = Number(paperHeight);
  if (appendix !== null && height > 0 && isFinite(height)) {
    appendix.style.top = (height / (zoomed ? factor : 1)) + 'px';
  }
  return true;
}

function connectBridge() {
  if (!state.config.bridge) return;
  if (typeof window.QWebChannel !== 'function' || !window.qt || !window.qt.webChannelTransport) {
    return;  // not inside the app (e.g. a page opened in a browser)
  }
  new window.QWebChannel(window.qt.webChannelTransport, function (channel) {
    state.bridge = channel.objects.bridge || null;
    notify('pageReady');
  });
}

window.Dateline = {
  init: init,
  setPins: setPins,
  setFilter: setFilter,
  setMapView: setMapView,  // choropleth.js
  setFadeByAge: setFadeByAge,
  pinOpacities: pinOpacities,
  filterState: filterState,
  flyTo: flyTo,
  clickPin: clickPin,
  contextPin: contextPin,
  pinIds: pinIds,
  isReady: isReady,
  // dates.js, for tests: against mapper/time/display.py and date.toordinal().
  describeDate: describeDate,
  dayOrdinal: dayOrdinal,
  popupText: popupText,
  fitPins: fitPins,
  viewState: viewState,
  setView: setView,
  snapshotState: snapshotState,
  prepareForPaper: prepareForPaper,
  labelState: labelState,  // context.js, for tests
  iconBoxes: iconBoxes  // markers.js, for tests
};
