/*
 * Dateline map page: offline basemap, pins, popups, and the narrow bridge to Python.
 *
 * Loaded after Leaflet and Leaflet.markercluster (and the basemap script when present);
 * folium's inline script calls Dateline.init(map, config) once the L.map exists.
 *
 * Article strings are hostile: they reach the DOM through textContent only, never
 * innerHTML, and only ids travel to Python.
 */
(function () {
  'use strict';

  var LABEL_FONT = '600 11px "Helvetica Neue", Arial, Helvetica, sans-serif';
  var LABEL_HEIGHT = 14;
  var LABEL_GAP = 6;
  var WORLD = [[-58, -170], [78, 190]];
  var FIT_PADDING = [48, 48];
  var FIT_MAX_ZOOM = 6;
  var FLY_ZOOM = { country: 4, continent: 3, region: 4, admin1: 5, admin2: 6, city: 7 };
  var KIND_LABEL = {
    country: 'country', admin1: 'state/province', admin2: 'district', city: 'city',
    continent: 'continent', region: 'region'
  };
  var EXCERPT_DISPLAY_CHARS = 320;
  var COLOR = /^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$/;

  var state = {
    map: null,
    config: {},
    cluster: null,
    markers: new Map(),   // place id -> L.Marker (whether clustered or not)
    labels: [],           // country labels, biggest first
    labelLayer: null,
    openPopup: null,
    bridge: null,
    ready: false,
    revealToken: 0
  };

  // -- small helpers --------------------------------------------------------------

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function toInt(value, fallback) {
    var n = Number(value);
    return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : fallback;
  }

  function toText(value) {
    return value === undefined || value === null ? '' : String(value);
  }

  function escapeHtml(text) {
    return toText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  }

  function notify(method, id) {
    var bridge = state.bridge;
    if (!bridge || typeof bridge[method] !== 'function') return;
    if (id === undefined) bridge[method]();
    else bridge[method](String(id));
  }

  // Python offsets count code points; JavaScript strings count UTF-16 units.
  function codePoints(text) {
    return /[\uD800-\uDFFF]/.test(text) ? Array.from(text) : null;
  }

  function slice(text, points, start, end) {
    return points ? points.slice(start, end).join('') : text.slice(start, end);
  }

  // -- pins -----------------------------------------------------------------------

  function readPin(feature) {
    if (!feature || typeof feature !== 'object') return null;
    var geometry = feature.geometry || {};
    var coords = geometry.coordinates;
    if (geometry.type !== 'Point' || !Array.isArray(coords) || coords.length < 2) return null;
    var lon = Number(coords[0]);
    var lat = Number(coords[1]);
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90) return null;
    var props = feature.properties || {};
    var id = toText(props.id !== undefined ? props.id : feature.id);
    if (!id) return null;
    var excerpts = Array.isArray(props.excerpts) ? props.excerpts : [];
    return {
      id: id,
      lat: lat,
      lon: lon,
      name: toText(props.name) || id,
      kind: toText(props.kind),
      country: toText(props.country),
      count: toInt(props.count, 1),
      color: COLOR.test(toText(props.color)) ? props.color : '',
      more: toInt(props.more, 0),
      excerpts: excerpts.filter(function (ex) { return ex && typeof ex === 'object'; })
        .map(function (ex) {
          return {
            id: toText(ex.id),
            title: toText(ex.title),
            text: toText(ex.text),
            highlights: Array.isArray(ex.highlights) ? ex.highlights : []
          };
        })
    };
  }

  function pinDiameter(count) {
    // Area grows with the mention count (sqrt scale), within readable bounds.
    return Math.round(Math.min(44, 12 + 5 * Math.sqrt(Math.max(1, count) - 1)));
  }

  function makeMarker(pin) {
    var size = pinDiameter(pin.count);
    var kindClass = pin.kind === 'city' || pin.kind === '' ? '' : ' dl-pin-area';
    var marker = L.marker([pin.lat, pin.lon], {
      icon: L.divIcon({
        className: 'dl-pin' + kindClass,
        iconSize: [size, size],
        popupAnchor: [0, -size / 2],
        html: ''
      }),
      keyboard: true,
      riseOnHover: true
    });
    marker.dateline = pin;
    marker.bindTooltip(function () { return el('span', 'dl-tooltip-name', pin.name); }, {
      direction: 'top',
      offset: [0, -size / 2],
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
    marker.on('add', function () {
      var icon = marker.getElement();
      if (!icon) return;
      icon.setAttribute('aria-label', pin.name);
      if (pin.color) icon.style.backgroundColor = pin.color;
    });
    return marker;
  }

  function clusterIcon(cluster) {
    var n = cluster.getChildCount();
    var size = Math.round(28 + 8 * Math.log10(Math.max(1, n)));
    return L.divIcon({
      html: '<span>' + String(Math.floor(n)) + '</span>',  // a number, never article text
      className: 'dl-cluster',
      iconSize: L.point(size, size)
    });
  }

  // -- popup (built when opened) ---------------------------------------------------

  function cleanHighlights(list, length) {
    var spans = [];
    list.forEach(function (pair) {
      if (!Array.isArray(pair) || pair.length < 2) return;
      var start = toInt(pair[0], -1);
      var end = Math.min(toInt(pair[1], -1), length);
      if (start >= 0 && end > start) spans.push([start, end]);
    });
    spans.sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    spans.forEach(function (span) {
      if (!out.length || span[0] >= out[out.length - 1][1]) out.push(span);
    });
    return out;
  }

  function excerptText(text, highlights) {
    var points = codePoints(text);
    var length = points ? points.length : text.length;
    var spans = cleanHighlights(highlights, length);
    var from = 0;
    var to = length;
    if (length > EXCERPT_DISPLAY_CHARS) {
      // Long sentence: show a window around the first mention, cut at spaces.
      var focus = spans.length ? spans[0][0] : 0;
      from = Math.max(0, Math.min(focus - 100, length - EXCERPT_DISPLAY_CHARS));
      to = Math.min(length, from + EXCERPT_DISPLAY_CHARS);
      if (from > 0) {
        var space = slice(text, points, from, focus).indexOf(' ');
        if (space >= 0 && space < 30) from += space + 1;
      }
      if (to < length) {
        var tail = slice(text, points, from, to).lastIndexOf(' ');
        if (tail > 0 && from + tail > (spans.length ? spans[0][1] : from)) to = from + tail;
      }
    }
    var p = el('p', 'dl-excerpt-text');
    if (from > 0) p.appendChild(document.createTextNode('\u2026 '));
    var pos = from;
    spans.forEach(function (span) {
      var start = Math.max(span[0], from);
      var end = Math.min(span[1], to);
      if (end <= start) return;
      if (start > pos) p.appendChild(document.createTextNode(slice(text, points, pos, start)));
      p.appendChild(el('mark', '', slice(text, points, start, end)));
      pos = end;
    });
    if (pos < to) p.appendChild(document.createTextNode(slice(text, points, pos, to)));
    if (to < length) p.appendChild(document.createTextNode(' \u2026'));
    return p;
  }

  function buildPopup(pin) {
    var root = el('div', 'dl-popup-body');
    root.appendChild(el('div', 'dl-popup-name', pin.name));
    var meta = [];
    if (pin.country && pin.country !== pin.name) meta.push(pin.country);
    if (pin.kind) meta.push(KIND_LABEL[pin.kind] || pin.kind);
    meta.push(pin.count + (pin.count === 1 ? ' mention' : ' mentions'));
    root.appendChild(el('div', 'dl-popup-meta', meta.join(' \u00b7 ')));
    var list = el('div', 'dl-excerpts');
    pin.excerpts.forEach(function (excerpt) {
      var item = el('div', 'dl-excerpt');
      item.setAttribute('role', 'button');
      item.tabIndex = 0;
      if (excerpt.title) item.appendChild(el('div', 'dl-excerpt-title', excerpt.title));
      item.appendChild(excerptText(excerpt.text, excerpt.highlights));
      item.addEventListener('click', function () { notify('excerptClicked', excerpt.id); });
      item.addEventListener('keydown', function (event) {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          notify('excerptClicked', excerpt.id);
        }
      });
      list.appendChild(item);
    });
    root.appendChild(list);
    if (pin.more > 0) {
      root.appendChild(el('div', 'dl-more',
        '+ ' + pin.more + ' more excerpt' + (pin.more === 1 ? '' : 's')));
    }
    return root;
  }

  // -- basemap ----------------------------------------------------------------------

  var measureContext = null;

  function textWidth(text) {
    if (!measureContext) {
      measureContext = document.createElement('canvas').getContext('2d');
      measureContext.font = LABEL_FONT;
    }
    return measureContext.measureText(text).width;
  }

  function addBasemap(map, land, labels) {
    if (land && typeof land === 'object') {
      L.geoJSON(land, {
        interactive: false,
        style: function () {
          return {
            className: 'dl-land', weight: 0.6, color: '#a9a294', opacity: 1,
            fillColor: '#f4f1ea', fillOpacity: 1
          };
        }
      }).addTo(map);
    }
    if (!Array.isArray(labels)) return;
    map.createPane('dl-labels');
    state.labelLayer = L.layerGroup().addTo(map);
    state.labels = labels
      .filter(function (item) {
        return item && Number.isFinite(Number(item.lat)) && Number.isFinite(Number(item.lon)) &&
          toText(item.name);
      })
      .map(function (item) {
        var name = toText(item.name);
        var rank = Number(item.rank);
        return { name: name, lat: Number(item.lat), lon: Number(item.lon),
                 rank: Number.isFinite(rank) ? rank : Infinity };
      })
      .sort(function (a, b) { return a.rank - b.rank; });
    // Ranks are either size tiers (1 = largest, a handful of values: the label shows from
    // about zoom = rank) or a plain ordering; either way the biggest countries come first
    // and a label that would overlap one already placed waits for more room.
    var tiers = state.labels.every(function (item) { return item.rank <= 10; });
    state.labels = state.labels
      .map(function (item, index) {
        var text = el('span', '', item.name);
        if (tiers) item.minZoom = Math.max(0, item.rank - 0.5);
        else item.minZoom = index < 30 ? 0 : index < 70 ? 2.5 : index < 130 ? 3.5 : 4.5;
        item.width = textWidth(item.name);
        item.marker = L.marker([item.lat, item.lon], {
          icon: L.divIcon({ className: 'dl-country-label', iconSize: [0, 0], html: text }),
          interactive: false,
          keyboard: false,
          pane: 'dl-labels'
        });
        return item;
      });
    map.on('zoomend', updateLabels);
  }

  function updateLabels() {
    var map = state.map;
    if (!map || !state.labelLayer) return;
    var zoom = map.getZoom();
    var placed = [];
    state.labels.forEach(function (label) {
      var show = false;
      if (zoom >= label.minZoom) {
        var p = map.project([label.lat, label.lon], zoom);
        var halfW = label.width / 2 + LABEL_GAP;
        var halfH = LABEL_HEIGHT / 2 + LABEL_GAP / 2;
        var box = [p.x - halfW, p.y - halfH, p.x + halfW, p.y + halfH];
        show = !placed.some(function (o) {
          return box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3];
        });
        if (show) placed.push(box);
      }
      var shown = state.labelLayer.hasLayer(label.marker);
      if (show && !shown) state.labelLayer.addLayer(label.marker);
      else if (!show && shown) state.labelLayer.removeLayer(label.marker);
    });
  }

  // -- views ------------------------------------------------------------------------

  function showWorld() {
    var map = state.map;
    if (map.getSize().x > 0 && map.getSize().y > 0) map.fitBounds(WORLD, { animate: false });
    else map.setView([20, 0], 2, { animate: false });
  }

  function frameMarkers() {
    var map = state.map;
    var points = [];
    state.markers.forEach(function (marker) { points.push(marker.getLatLng()); });
    if (!points.length) return;
    map.fitBounds(L.latLngBounds(points), {
      padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, animate: false
    });
  }

  // Bring a marker out of its cluster (zooming or panning as needed), then run done()
  // unless another reveal started meanwhile.
  function reveal(marker, done) {
    var token = ++state.revealToken;
    var finish = function () {
      if (token === state.revealToken) done();
    };
    if (document.visibilityState === 'visible') state.cluster.zoomToShowLayer(marker, finish);
    else revealWithoutAnimation(marker, finish);
    return token;
  }

  // A hidden page gets no animation frames, so zoomToShowLayer (which waits for the zoom
  // animation) would never finish: step in without animating instead.
  function revealWithoutAnimation(marker, finish) {
    var map = state.map;
    var latlng = marker.getLatLng();
    var parent = state.cluster.getVisibleParent(marker);
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

  // -- public API -------------------------------------------------------------------

  function setPins(collection, options) {
    if (!state.map) return 0;
    if (typeof collection === 'string') collection = JSON.parse(collection);
    var features = collection && Array.isArray(collection.features) ? collection.features : [];
    state.revealToken++;
    syncSize();
    state.map.closePopup();
    state.cluster.clearLayers();
    state.markers = new Map();
    var layers = [];
    features.forEach(function (feature) {
      var pin = readPin(feature);
      if (!pin || state.markers.has(pin.id)) return;
      var marker = makeMarker(pin);
      state.markers.set(pin.id, marker);
      layers.push(marker);
    });
    state.cluster.addLayers(layers);
    if (!(options && options.fit === false)) frameMarkers();
    return layers.length;
  }

  function flyTo(placeId) {
    var map = state.map;
    var marker = map && state.markers.get(String(placeId));
    if (!marker) return false;
    syncSize();
    var token = ++state.revealToken;
    // Zoom to suit the kind of place (out for a country, in for a town); stay put when the
    // pin is already on screen at about that zoom.
    var target = FLY_ZOOM[marker.dateline.kind] || 5;
    var zoom = map.getZoom();
    var open = function () {
      if (token !== state.revealToken) return;
      reveal(marker, function () { marker.openPopup(); });
    };
    var latlng = marker.getLatLng();
    if (zoom >= target && zoom <= target + 2 && map.getBounds().pad(-0.1).contains(latlng)) {
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
    var marker = state.map && state.markers.get(String(placeId));
    if (!marker) return false;
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
    frameMarkers();
    return state.markers.size;
  }

  function pinIds() {
    return JSON.stringify(Array.from(state.markers.keys()));
  }

  function isReady() {
    return state.ready;
  }

  function popupText() {
    var popup = state.openPopup;
    if (!popup || !state.map || !state.map.hasLayer(popup)) return 'null';
    var node = popup.getElement();
    var content = node && node.querySelector('.leaflet-popup-content');
    return JSON.stringify(content ? content.textContent : '');
  }

  // -- start --------------------------------------------------------------------------

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

  function embeddedPins() {
    var node = state.config.pinsElement && document.getElementById(state.config.pinsElement);
    return node ? JSON.parse(node.textContent) : null;
  }

  function init(map, config) {
    state.map = map;
    state.config = config || {};
    // Markercluster needs the map's zoom range; with no tile layer only we can give it.
    if (state.config.minZoom !== undefined) map.setMinZoom(state.config.minZoom);
    if (state.config.maxZoom !== undefined) map.setMaxZoom(state.config.maxZoom);
    map.attributionControl.setPrefix(false);
    if (state.config.attribution) {
      // Leaflet takes attribution as HTML; ours is plain text.
      map.attributionControl.addAttribution(escapeHtml(state.config.attribution));
    }
    L.control.scale({ metric: true, imperial: false }).addTo(map);
    map.on('popupopen', function (event) { state.openPopup = event.popup; });
    map.on('popupclose', function (event) {
      if (state.openPopup === event.popup) state.openPopup = null;
    });
    try {
      addBasemap(map, window.DATELINE_BASEMAP, window.DATELINE_COUNTRY_LABELS);
    } catch (error) {
      console.error('Dateline: basemap not drawn: ' + error);
    }
    state.cluster = L.markerClusterGroup({
      maxClusterRadius: 40,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: clusterIcon
    }).addTo(map);
    showWorld();
    if (map.getSize().x === 0) {
      // Laid out while hidden: frame the world again once the view has a size.
      map.once('resize', function () { if (!state.markers.size) showWorld(); else frameMarkers(); });
    }
    try {
      var pins = embeddedPins();
      if (pins) setPins(pins);
    } catch (error) {
      console.error('Dateline: embedded pins not shown: ' + error);
    }
    updateLabels();
    state.ready = true;
    window.datelineReady = true;
    connectBridge();
  }

  window.Dateline = {
    init: init,
    setPins: setPins,
    flyTo: flyTo,
    clickPin: clickPin,
    contextPin: contextPin,
    pinIds: pinIds,
    isReady: isReady,
    popupText: popupText,
    fitPins: fitPins
  };
})();
