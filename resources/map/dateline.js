/*
 * Dateline map page: offline basemap, pins, popups, filters, legend, and the narrow
 * bridge to Python.
 *
 * Loaded after Leaflet and Leaflet.markercluster (and the basemap script when present);
 * folium's inline script calls Dateline.init(map, config) once the L.map exists.
 *
 * Article strings are hostile: they reach the DOM through textContent only, never
 * innerHTML, and only ids travel to Python.
 *
 * Filtering (Dateline.setFilter) applies the rule of mapper/filters.py to the excerpts of
 * the pins already loaded: an excerpt passes when it passes every facet that is set —
 * actors: it names at least one of them; eventTypes: at least one of its event types is
 * among them ("" stands for excerpts with no event type); articles: it comes from one of
 * them. A place stays on the map while at least one of its excerpts passes; its size,
 * colour, counts and popup follow the passing excerpts only.
 *
 * Exports (mapper/export.py) embed the pins with a filter and, optionally, a view in the
 * page config; with config.static (report mode, for snapshots) nothing animates, the
 * legend stays open and lists only the colours on the map, and window.datelineReady is
 * set only once everything is drawn and framed.
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
  var POPUP_EXCERPTS = 3;
  var COLOR = /^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$/;
  var DEFAULT_NO_EVENT_COLOR = '#8c9099';
  var NO_EVENT = '';   // mapper.filters.NO_EVENT
  var FACETS = ['actors', 'eventTypes', 'articles'];
  // Report mode: the image whose presentation says the page is drawn (see afterPaint).
  var DRAWN_MARK = 'dateline-drawn';
  var TRANSPARENT_PIXEL = 'data:image/png;base64,' +
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4//8/AwAI/AL+p5qgoAAAAABJRU5ErkJggg==';
  var PAINT_TIMEOUT_MS = 5000;

  var state = {
    map: null,
    config: {},
    cluster: null,
    pins: [],             // pin records in payload order (most mentioned first)
    markers: new Map(),   // place id -> L.Marker, shown or filtered out
    data: null,           // the pins' excerpts as integer codes (see compile)
    filter: { actors: null, eventTypes: null, articles: null },
    legend: null,         // the legend control
    legendCollapsed: false,
    legendFoldedForPopup: false,  // folded by us for an open popup, not by the user
    labels: [],           // country labels, biggest first
    labelLayer: null,
    reserved: [],         // boxes (map pixels) country labels keep clear of (reports)
    pinNames: null,       // names written beside pins (reports)
    openPopup: null,
    // The reader chose this view (moved or zoomed the map, or Python flew to a place or
    // restored a view): new pins then arrive without taking the map from under them.
    viewChosen: false,
    bridge: null,
    ready: false,
    static: false,        // report mode (config.static): drawn once, for a snapshot
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

  function readExcerpt(ex) {
    var highlights = Array.isArray(ex.highlights) ? ex.highlights : [];
    return {
      id: toText(ex.id),
      article: toText(ex.article),
      title: toText(ex.title),
      text: toText(ex.text),
      highlights: highlights,
      n: toInt(ex.n, highlights.length),
      actors: Array.isArray(ex.actors) ? ex.actors.map(toText) : [],
      events: Array.isArray(ex.events) ? ex.events.map(toText) : []
    };
  }

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
        .map(readExcerpt),
      // What the current filter leaves of the pin (set by applyFilter).
      shown: true,
      mentions: 0,
      passing: 0,
      dominant: -1,
      size: 0,
      paint: ''
    };
  }

  // The payload's foreign member: the event taxonomy (display order) and actor names.
  function readMeta(collection) {
    var meta = collection && typeof collection.dateline === 'object' && collection.dateline
      ? collection.dateline : {};
    var seen = new Set();
    var eventTypes = (Array.isArray(meta.eventTypes) ? meta.eventTypes : [])
      .filter(function (t) {
        if (!t || typeof t !== 'object') return false;
        var name = toText(t.name);
        if (!name || seen.has(name) || !COLOR.test(toText(t.color))) return false;
        seen.add(name);
        return true;
      })
      .map(function (t) { return { name: toText(t.name), color: toText(t.color) }; });
    var noEvent = toText(meta.noEventColor);
    return {
      eventTypes: eventTypes,
      noEventColor: COLOR.test(noEvent) ? noEvent : DEFAULT_NO_EVENT_COLOR,
      actors: meta.actors && typeof meta.actors === 'object' ? meta.actors : {}
    };
  }

  // Everything setFilter needs, as typed arrays built once per setPins: every distinct
  // excerpt (by id) with its article, actors and event types as integer codes, and every
  // pin's entries (excerpt code, mentions of the pin in it). Event-type codes follow the
  // taxonomy order, so the lowest code wins a tie; types outside the taxonomy come after.
  function compile(pins, meta) {
    var typeCode = new Map();
    var typeColors = [];
    meta.eventTypes.forEach(function (t) {
      typeCode.set(t.name, typeColors.length);
      typeColors.push(t.color);
    });
    var knownTypes = typeColors.length;
    var actorCode = new Map();
    var articleCode = new Map();
    var excerptCode = new Map();
    var exArticle = [];
    var exActors = [0];
    var actorCodes = [];
    var exTypes = [0];
    var typeCodes = [];
    var entryExcerpt = [];
    var entryMentions = [];
    var pinStart = [0];
    var code = function (table, key) {
      var value = table.get(key);
      if (value === undefined) {
        value = table.size;
        table.set(key, value);
      }
      return value;
    };
    pins.forEach(function (pin) {
      pin.excerpts.forEach(function (ex) {
        var e = ex.id ? excerptCode.get(ex.id) : undefined;
        if (e === undefined) {
          e = exArticle.length;
          if (ex.id) excerptCode.set(ex.id, e);
          exArticle.push(code(articleCode, ex.article));
          ex.actors.forEach(function (a) { actorCodes.push(code(actorCode, a)); });
          exActors.push(actorCodes.length);
          ex.events.forEach(function (t) {
            if (!typeCode.has(t)) typeCode.set(t, typeCode.size);
            typeCodes.push(typeCode.get(t));
          });
          exTypes.push(typeCodes.length);
        }
        entryExcerpt.push(e);
        entryMentions.push(ex.n);
      });
      pinStart.push(entryExcerpt.length);
    });
    var excerpts = exArticle.length;
    return {
      typeCode: typeCode,
      typeColors: typeColors,
      knownTypes: knownTypes,
      types: typeCode.size,
      // Pins are coloured by event type only when the payload brings a taxonomy.
      colouring: knownTypes > 0,
      noEventColor: meta.noEventColor,
      actorCode: actorCode,
      articleCode: articleCode,
      excerpts: excerpts,
      exArticle: Int32Array.from(exArticle),
      exActors: Int32Array.from(exActors),
      actorCodes: Int32Array.from(actorCodes),
      exTypes: Int32Array.from(exTypes),
      typeCodes: Int32Array.from(typeCodes),
      entryExcerpt: Int32Array.from(entryExcerpt),
      entryMentions: Int32Array.from(entryMentions),
      pinStart: Int32Array.from(pinStart),
      pass: new Uint8Array(excerpts),
      typeCount: new Int32Array(typeCode.size)
    };
  }

  function readFilter(filter) {
    if (typeof filter === 'string') filter = JSON.parse(filter);
    if (filter === null || filter === undefined) filter = {};
    if (typeof filter !== 'object' || Array.isArray(filter)) {
      throw new TypeError('Dateline.setFilter: a filter is an object');
    }
    var out = {};
    FACETS.forEach(function (facet) {
      var value = filter[facet];
      if (value === null || value === undefined) {
        out[facet] = null;
      } else if (Array.isArray(value)) {
        out[facet] = Array.from(new Set(value.map(toText))).sort();
      } else {
        throw new TypeError('Dateline.setFilter: ' + facet + ' is a list or null');
      }
    });
    return out;
  }

  function isOpen(filter) {
    return filter.actors === null && filter.eventTypes === null && filter.articles === null;
  }

  // One flag per code: which actors / types / articles the facet accepts (null = open).
  function accepted(values, table, size) {
    if (values === null) return null;
    var flags = new Uint8Array(size);
    values.forEach(function (value) {
      var c = table.get(value);
      if (c !== undefined) flags[c] = 1;
    });
    return flags;
  }

  // Work out, for the current filter, which excerpts pass and each pin's passing
  // mentions, passing excerpts and dominant event type (the type found in most passing
  // excerpts, counting only the selected types when the event-type facet is set;
  // ties go to the earlier type of the taxonomy; -1 when they have no type).
  function applyFilter() {
    var d = state.data;
    var filter = state.filter;
    var open = isOpen(filter);
    var pass = d.pass;
    var actorOk = accepted(filter.actors, d.actorCode, d.actorCode.size);
    var typeOk = accepted(filter.eventTypes, d.typeCode, d.types);
    var noEventOk = filter.eventTypes !== null && filter.eventTypes.indexOf(NO_EVENT) >= 0;
    var articleOk = accepted(filter.articles, d.articleCode, d.articleCode.size);
    var e, k, t, passing = 0;
    for (e = 0; e < d.excerpts; e++) {
      var ok = 1;
      if (articleOk !== null && !articleOk[d.exArticle[e]]) ok = 0;
      if (ok && actorOk !== null) {
        ok = 0;
        for (k = d.exActors[e]; k < d.exActors[e + 1]; k++) {
          if (actorOk[d.actorCodes[k]]) { ok = 1; break; }
        }
      }
      if (ok && typeOk !== null) {
        if (d.exTypes[e] === d.exTypes[e + 1]) {
          ok = noEventOk ? 1 : 0;
        } else {
          ok = 0;
          for (k = d.exTypes[e]; k < d.exTypes[e + 1]; k++) {
            if (typeOk[d.typeCodes[k]]) { ok = 1; break; }
          }
        }
      }
      pass[e] = ok;
      passing += ok;
    }
    var counts = d.typeCount;
    var shown = 0;
    state.pins.forEach(function (pin, p) {
      var mentions = 0;
      var excerpts = 0;
      counts.fill(0);
      for (var j = d.pinStart[p]; j < d.pinStart[p + 1]; j++) {
        e = d.entryExcerpt[j];
        if (!pass[e]) continue;
        mentions += d.entryMentions[j];
        excerpts += 1;
        for (k = d.exTypes[e]; k < d.exTypes[e + 1]; k++) {
          t = d.typeCodes[k];
          if (typeOk === null || typeOk[t]) counts[t] += 1;
        }
      }
      var best = -1;
      for (t = 0; t < counts.length; t++) {
        if (counts[t] > 0 && (best < 0 || counts[t] > counts[best])) best = t;
      }
      // With nothing filtered every pin shows, with the payload's own count (which
      // includes any excerpts the payload left out).
      pin.shown = open || excerpts > 0;
      pin.mentions = open ? pin.count : mentions;
      pin.passing = excerpts;
      pin.dominant = best;
      if (pin.shown) shown += 1;
    });
    return { pins: shown, excerpts: passing };
  }

  function pinColor(pin) {
    var d = state.data;
    if (!d || !d.colouring) return pin.color;
    if (pin.dominant >= 0 && pin.dominant < d.knownTypes) return d.typeColors[pin.dominant];
    return d.noEventColor;
  }

  function pinDiameter(count) {
    // Area grows with the mention count (sqrt scale), within readable bounds.
    return Math.round(Math.min(44, 12 + 5 * Math.sqrt(Math.max(1, count) - 1)));
  }

  var iconCache = new Map();

  function pinIcon(size, area) {
    var key = size + (area ? 'a' : 'c');
    var icon = iconCache.get(key);
    if (!icon) {
      icon = L.divIcon({
        className: 'dl-pin' + (area ? ' dl-pin-area' : ''),
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
    var icon = marker.getElement();
    if (!icon) return;
    var pin = marker.dateline;
    icon.setAttribute('aria-label', pin.name);
    icon.setAttribute('data-place-id', pin.id);
    if (pin.paint) icon.style.setProperty('--dl-pin', pin.paint);
    else icon.style.removeProperty('--dl-pin');
  }

  // Bring a marker's size and colour up to date with its pin; cheap when nothing changed.
  function restyle(marker) {
    var pin = marker.dateline;
    var size = pinDiameter(pin.mentions);
    var paint = pinColor(pin);
    if (size !== pin.size) {
      pin.size = size;
      var tooltip = marker.getTooltip();
      if (tooltip) tooltip.options.offset = [0, -size / 2];
      marker.setIcon(pinIcon(size, isArea(pin)));  // redraws the element when on the map
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
    var marker = L.marker([pin.lat, pin.lon], {
      icon: pinIcon(pin.size, isArea(pin)),
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
    var n = cluster.getChildCount();
    var size = Math.round(28 + 8 * Math.log10(Math.max(1, n)));
    return L.divIcon({
      html: '<span>' + String(Math.floor(n)) + '</span>',  // a number, never article text
      className: 'dl-cluster',
      iconSize: L.point(size, size)
    });
  }

  function shownMarkers() {
    var out = [];
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
    var cluster = state.cluster;
    var markers = [];
    state.pins.forEach(function (pin) {
      var marker = state.markers.get(pin.id);
      restyle(marker);
      markers.push(marker);
    });
    if (strategy === 'rebuild') {
      cluster.clearLayers();
      cluster.addLayers(markers.filter(isShown));
      return;
    }
    var add = [];
    var remove = [];
    markers.forEach(function (marker, p) {
      if (marker.dateline.shown && !before[p]) add.push(marker);
      else if (!marker.dateline.shown && before[p]) remove.push(marker);
    });
    if (remove.length) cluster.removeLayers(remove);
    if (add.length) cluster.addLayers(add);
  }

  // The popup open on the map, or null.
  function shownPopup() {
    var popup = state.openPopup;
    return popup && state.map && state.map.hasLayer(popup) ? popup : null;
  }

  // The pin record of the open popup's marker, or null.
  function openPopupPin() {
    var popup = shownPopup();
    var source = popup && popup._source;  // Leaflet 1.9: the layer the popup is bound to
    return source && source.dateline ? source.dateline : null;
  }

  // After a filter change, the open popup follows its pin: redrawn, or closed with it.
  function refreshOpenPopup() {
    var popup = shownPopup();
    if (!popup) return;
    var pin = openPopupPin();
    if (pin && !pin.shown) state.map.closePopup();
    else popup.update();
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

  // The pin's excerpts that pass the current filter, in payload order.
  function passingExcerpts(pin) {
    var d = state.data;
    if (!d || pin.index === undefined) return pin.excerpts;
    var start = d.pinStart[pin.index];
    return pin.excerpts.filter(function (ex, j) { return d.pass[d.entryExcerpt[start + j]]; });
  }

  function excerptTags(excerpt) {
    var d = state.data;
    var tags = el('div', 'dl-excerpt-tags');
    excerpt.events.forEach(function (name) {
      var tag = el('span', 'dl-tag');
      var code = d ? d.typeCode.get(name) : undefined;
      var swatch = el('span', 'dl-swatch');
      if (d && d.colouring) {
        swatch.style.backgroundColor =
          code !== undefined && code < d.knownTypes ? d.typeColors[code] : d.noEventColor;
        tag.appendChild(swatch);
      }
      tag.appendChild(document.createTextNode(name));
      tags.appendChild(tag);
    });
    var names = state.actorNames || {};
    excerpt.actors.forEach(function (id) {
      var name = Object.prototype.hasOwnProperty.call(names, id) ? toText(names[id]) : '';
      tags.appendChild(el('span', 'dl-tag dl-tag-actor', name || id));
    });
    return tags.childNodes.length ? tags : null;
  }

  function buildPopup(pin) {
    var filtered = !isOpen(state.filter);
    var excerpts = passingExcerpts(pin);
    var root = el('div', 'dl-popup-body');
    root.appendChild(el('div', 'dl-popup-name', pin.name));
    var meta = [];
    if (pin.country && pin.country !== pin.name) meta.push(pin.country);
    if (pin.kind) meta.push(KIND_LABEL[pin.kind] || pin.kind);
    var count = pin.mentions;
    var mentions = count + (count === 1 ? ' mention' : ' mentions');
    if (filtered && count !== pin.count) mentions = count + ' of ' + pin.count + ' mentions';
    meta.push(mentions);
    root.appendChild(el('div', 'dl-popup-meta', meta.join(' \u00b7 ')));
    var list = el('div', 'dl-excerpts');
    excerpts.slice(0, POPUP_EXCERPTS).forEach(function (excerpt) {
      var item = el('div', 'dl-excerpt');
      item.setAttribute('role', 'button');
      item.tabIndex = 0;
      if (excerpt.title) item.appendChild(el('div', 'dl-excerpt-title', excerpt.title));
      item.appendChild(excerptText(excerpt.text, excerpt.highlights));
      var tags = excerptTags(excerpt);
      if (tags) item.appendChild(tags);
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
    // Excerpts the payload left out (excerpts_per_pin) are counted only when nothing is
    // filtered: whether they pass is unknown here.
    var more = Math.max(0, excerpts.length - POPUP_EXCERPTS) + (filtered ? 0 : pin.more);
    if (more > 0) {
      root.appendChild(el('div', 'dl-more',
        '+ ' + more + ' more excerpt' + (more === 1 ? '' : 's')));
    }
    return root;
  }

  // -- legend -----------------------------------------------------------------------

  // Top right: the zoom control is top left, the scale bottom left, the credits bottom right.
  var Legend = L.Control.extend({
    options: { position: 'topright' },

    onAdd: function () {
      var root = el('div', 'dl-legend leaflet-control');
      root.setAttribute('role', 'region');
      root.setAttribute('aria-label', 'Legend');
      var toggle = el('button', 'dl-legend-toggle');
      toggle.type = 'button';
      toggle.appendChild(el('span', 'dl-legend-heading', 'Legend'));
      toggle.appendChild(el('span', 'dl-legend-arrow'));
      toggle.addEventListener('click', function () {
        setLegendCollapsed(!state.legendCollapsed);
      });
      this._body = el('div', 'dl-legend-body');
      root.appendChild(toggle);
      root.appendChild(this._body);
      this._root = root;
      this._toggle = toggle;
      L.DomEvent.disableClickPropagation(root);
      L.DomEvent.disableScrollPropagation(root);
      return root;
    }
  });

  function setLegendCollapsed(collapsed) {
    var legend = state.legend;
    state.legendCollapsed = Boolean(collapsed);
    if (!legend || !legend._root) return;
    legend._root.classList.toggle('dl-legend-collapsed', state.legendCollapsed);
    legend._toggle.setAttribute('aria-expanded', state.legendCollapsed ? 'false' : 'true');
    legend._toggle.title = state.legendCollapsed ? 'Show the legend' : 'Hide the legend';
  }

  function legendItem(name, color, key) {
    var item = el('div', 'dl-legend-item');
    item.setAttribute('data-event-type', key);
    var swatch = el('span', 'dl-swatch');
    swatch.style.backgroundColor = color;
    item.appendChild(swatch);
    item.appendChild(el('span', 'dl-legend-label', name));
    return item;
  }

  // Rebuilt for each payload: its event types (in taxonomy order), "No event type",
  // and what a pin's size means. Hidden while there are no pins.
  function updateLegend(meta) {
    var legend = state.legend;
    if (!legend || !legend._body) return;
    var body = legend._body;
    while (body.firstChild) body.removeChild(body.firstChild);
    legend._root.classList.toggle('dl-legend-empty', state.pins.length === 0);
    if (meta.eventTypes.length) {
      body.appendChild(el('div', 'dl-legend-title', 'Event type'));
      meta.eventTypes.forEach(function (t) {
        body.appendChild(legendItem(t.name, t.color, t.name));
      });
      body.appendChild(legendItem('No event type', meta.noEventColor, NO_EVENT));
    }
    var size = el('div', 'dl-legend-size');
    var dots = el('span', 'dl-legend-dots');
    [1, 10, 40].forEach(function (n) {
      var dot = el('span', 'dl-legend-dot');
      var d = pinDiameter(n) * 0.6;
      dot.style.width = d + 'px';
      dot.style.height = d + 'px';
      dots.appendChild(dot);
    });
    size.appendChild(dots);
    size.appendChild(el('span', 'dl-legend-label', 'Pin size = number of mentions'));
    body.appendChild(size);
    markLegend();
    setLegendCollapsed(state.legendCollapsed);
  }

  // Types the event-type facet leaves out are dimmed. In a report, where nobody can
  // change the filter, the legend lists only the colours of the pins on the map.
  function markLegend() {
    var legend = state.legend;
    if (!legend || !legend._body) return;
    var chosen = state.filter.eventTypes;
    var onMap = state.static ? coloursOnMap() : null;
    legend._body.querySelectorAll('.dl-legend-item').forEach(function (item) {
      var key = item.getAttribute('data-event-type');
      item.classList.toggle('dl-legend-off', chosen !== null && chosen.indexOf(key) < 0);
      if (onMap) item.classList.toggle('dl-legend-absent', !onMap.has(key));
    });
    if (onMap) {
      var title = legend._body.querySelector('.dl-legend-title');
      if (title) title.classList.toggle('dl-legend-absent', onMap.size === 0);
    }
  }

  // The event types (NO_EVENT for "no event type") whose colour a shown pin wears.
  function coloursOnMap() {
    var d = state.data;
    var keys = new Set();
    if (!d || !d.colouring) return keys;
    var names = [];
    d.typeCode.forEach(function (code, name) { names[code] = name; });
    state.pins.forEach(function (pin) {
      if (!pin.shown) return;
      keys.add(pin.dominant >= 0 && pin.dominant < d.knownTypes ? names[pin.dominant] : NO_EVENT);
    });
    return keys;
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

  function overlaps(box, boxes) {
    return boxes.some(function (o) {
      return box[0] < o[2] && o[0] < box[2] && box[1] < o[3] && o[1] < box[3];
    });
  }

  function updateLabels() {
    var map = state.map;
    if (!map || !state.labelLayer) return;
    var zoom = map.getZoom();
    var placed = state.reserved.slice();
    var named = state.pinNames;
    state.labels.forEach(function (label) {
      var show = false;
      if (zoom >= label.minZoom && !(named && named.has(label.name))) {
        var p = map.project([label.lat, label.lon], zoom);
        var halfW = label.width / 2 + LABEL_GAP;
        var halfH = LABEL_HEIGHT / 2 + LABEL_GAP / 2;
        var box = [p.x - halfW, p.y - halfH, p.x + halfW, p.y + halfH];
        show = !overlaps(box, placed);
        if (show) placed.push(box);
      }
      var shown = state.labelLayer.hasLayer(label.marker);
      if (show && !shown) state.labelLayer.addLayer(label.marker);
      else if (!show && shown) state.labelLayer.removeLayer(label.marker);
    });
  }

  // Report mode: a printed map has no tooltips, so pins are named on the map, most
  // mentioned first, leaving out a name that would cover one already placed. The
  // basemap's country labels then keep clear of the pins and their names, and do not
  // repeat them.
  function labelPins() {
    var map = state.map;
    var zoom = map.getZoom();
    var placed = [];
    var pins = [];
    var layer = L.layerGroup();
    if (!map.getPane('dl-pin-labels')) map.createPane('dl-pin-labels');
    state.pinNames = new Set();
    shownMarkers().forEach(function (marker) {
      var pin = marker.dateline;
      if (state.cluster.getVisibleParent(marker) !== marker) return;  // in a cluster
      var p = map.project(marker.getLatLng(), zoom);
      var r = pin.size / 2;
      pins.push([p.x - r, p.y - r, p.x + r, p.y + r]);
      var left = r + 3;
      var box = [p.x + left - 2, p.y - LABEL_HEIGHT / 2 - 1,
                 p.x + left + textWidth(pin.name) + 2, p.y + LABEL_HEIGHT / 2 + 1];
      if (overlaps(box, placed)) return;
      placed.push(box);
      state.pinNames.add(pin.name);
      var text = el('span', '', pin.name);
      text.style.left = left + 'px';
      layer.addLayer(L.marker(marker.getLatLng(), {
        icon: L.divIcon({ className: 'dl-pin-label', iconSize: [0, 0], html: text }),
        interactive: false,
        keyboard: false,
        pane: 'dl-pin-labels'
      }));
    });
    layer.addTo(map);
    state.reserved = placed.concat(pins);
  }

  // -- views ------------------------------------------------------------------------

  function showWorld() {
    var map = state.map;
    if (map.getSize().x > 0 && map.getSize().y > 0) map.fitBounds(WORLD, { animate: false });
    else map.setView([20, 0], 2, { animate: false });
  }

  function frameMarkers() {
    var map = state.map;
    var points = shownMarkers().map(function (marker) { return marker.getLatLng(); });
    if (!points.length) return;
    var bounds = L.latLngBounds(points);
    var size = map.getSize();
    if (!size.x || !size.y) {
      map.fitBounds(bounds, { padding: FIT_PADDING, maxZoom: FIT_MAX_ZOOM, animate: false });
      return;
    }
    // Work the view out first and move once: every move re-projects the whole basemap.
    var pad = L.point(FIT_PADDING);
    var view = boundsView(bounds, pad, pad);
    var legend = legendBox();
    var covered = legend && points.some(function (latlng) {
      var p = map.project(latlng, view.zoom).subtract(view.origin);
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
    var map = state.map;
    var zoom = map.getBoundsZoom(bounds, false, paddingTL.add(paddingBR));
    zoom = Math.min(FIT_MAX_ZOOM, zoom);
    var offset = paddingBR.subtract(paddingTL).divideBy(2);
    var sw = map.project(bounds.getSouthWest(), zoom);
    var ne = map.project(bounds.getNorthEast(), zoom);
    var centre = sw.add(ne).divideBy(2).add(offset);
    return {
      center: map.unproject(centre, zoom),
      zoom: zoom,
      origin: centre.subtract(map.getSize().divideBy(2))
    };
  }

  // The legend's box in map container pixels (with a margin), or null when not shown.
  function legendBox() {
    var root = state.legend && state.legend._root;
    if (!root || !root.offsetWidth) return null;
    var box = root.getBoundingClientRect();
    var origin = state.map.getContainer().getBoundingClientRect();
    var margin = 8;
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

  // Show these pins (a FeatureCollection from mapview.pins_feature_collection), under the
  // current filter. Returns how many pins are shown.
  function setPins(collection, options) {
    if (!state.map) return 0;
    if (typeof collection === 'string') collection = JSON.parse(collection);
    var features = collection && Array.isArray(collection.features) ? collection.features : [];
    var meta = readMeta(collection);
    // While articles arrive, pins come again every few seconds: the reader's view and
    // open popup stay (the first pins, or pins after none, are framed).
    var openPin = openPopupPin();
    var reopen = openPin ? openPin.id : null;
    var keepView = state.pins.length > 0 && (state.viewChosen || reopen !== null);
    state.revealToken++;
    syncSize();
    state.map.closePopup();
    state.cluster.clearLayers();
    state.markers = new Map();
    state.pins = [];
    features.forEach(function (feature) {
      var pin = readPin(feature);
      if (!pin || state.markers.has(pin.id)) return;
      pin.index = state.pins.length;
      state.pins.push(pin);
      state.markers.set(pin.id, null);
    });
    state.actorNames = meta.actors;
    state.data = compile(state.pins, meta);
    applyFilter();
    state.pins.forEach(function (pin) { state.markers.set(pin.id, makeMarker(pin)); });
    var shown = shownMarkers();
    updateLegend(meta);
    // Frame first: markercluster then draws the clusters of the final zoom only.
    if (!(options && options.fit === false) && !keepView) frameMarkers();
    state.cluster.addLayers(shown);
    var marker = reopen === null ? null : shownMarker(reopen);
    // Reopened only where it is still a pin of its own (new pins may cluster with it).
    if (marker && state.cluster.getVisibleParent(marker) === marker) marker.openPopup();
    return shown.length;
  }

  // Narrow the pins to the excerpts that pass `filter` ({actors, eventTypes, articles}:
  // lists of ids/names, or null for an open facet; "" in eventTypes = no event type), in
  // place. Kept for later setPins calls. Returns JSON {"pins", "excerpts", "ms"}: pins
  // shown, distinct excerpts passing, and the time taken here in milliseconds.
  // options.strategy ('diff', the default, or 'rebuild') is for measuring (bench/page.py).
  function setFilter(filter, options) {
    var started = performance.now();
    state.filter = readFilter(filter);
    var result = { pins: 0, excerpts: 0 };
    if (state.map && state.data) {
      var before = state.pins.map(function (pin) { return pin.shown; });
      result = applyFilter();
      renderPins(before, options && options.strategy);
      refreshOpenPopup();
    }
    markLegend();
    result.ms = performance.now() - started;
    return JSON.stringify(result);
  }

  function filterState() {
    return JSON.stringify(state.filter);
  }

  function shownMarker(placeId) {
    var marker = state.map && state.markers.get(String(placeId));
    return isShown(marker) ? marker : null;
  }

  function flyTo(placeId) {
    var map = state.map;
    var marker = shownMarker(placeId);
    if (!marker) return false;
    state.viewChosen = true;
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
    var marker = shownMarker(placeId);
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
    state.viewChosen = false;  // the reader asked for every pin: new ones are framed too
    frameMarkers();
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

  // The map's current centre and zoom, as JSON {"lat", "lon", "zoom"} ("null" before
  // init): the window exports "what is on screen" by handing this to the report page.
  // Put the map where a saved project left it.
  function setView(lat, lon, zoom) {
    if (!state.map) return false;
    state.viewChosen = true;
    state.map.setView([Number(lat), Number(lon)], Number(zoom), { animate: false });
    return true;
  }

  function viewState() {
    var map = state.map;
    if (!map) return 'null';
    var centre = map.getCenter();
    var round = function (value) { return Math.round(value * 1e6) / 1e6; };
    return JSON.stringify({
      lat: round(centre.lat),
      lon: round(L.Util.wrapNum(centre.lng, [-180, 180], true)),
      zoom: map.getZoom()
    });
  }

  function popupText() {
    var popup = shownPopup();
    if (!popup) return 'null';
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

  // The view the config asks for, as [lat, lon, zoom], or null.
  function configView() {
    var view = state.config.view;
    if (!Array.isArray(view) || view.length !== 3) return null;
    var numbers = view.map(Number);
    if (!numbers.every(Number.isFinite) || Math.abs(numbers[0]) > 90) return null;
    return numbers;
  }

  // Where the map starts: the config's view, else the pins shown, else the world.
  function initialView() {
    var view = configView();
    if (view) state.map.setView([view[0], view[1]], view[2], { animate: false });
    else if (shownMarkers().length) frameMarkers();
    else showWorld();
  }

  // Run done() once what is drawn now is on screen. requestAnimationFrame only says that
  // a frame has begun: rasterising a large map (and handing the frame to Qt) takes longer,
  // and a grab in between shows a blank page. An image added now reports (Element Timing)
  // when the frame that shows it has been presented. Without Element Timing: two
  // animation frames. Pages that get no frames at all (hidden ones) give up after a while.
  function afterPaint(done) {
    var called = false;
    var once = function () {
      if (called) return;
      called = true;
      done();
    };
    var Observer = window.PerformanceObserver;
    var types = Observer && Observer.supportedEntryTypes;
    if (types && types.indexOf('element') >= 0) {
      var observer = new Observer(function (list) {
        list.getEntries().forEach(function (entry) {
          if (entry.identifier !== DRAWN_MARK) return;
          observer.disconnect();
          once();
        });
      });
      observer.observe({ type: 'element', buffered: true });
      var mark = el('img', 'dl-drawn-mark');
      mark.alt = '';
      mark.setAttribute('aria-hidden', 'true');
      mark.setAttribute('elementtiming', DRAWN_MARK);
      mark.src = TRANSPARENT_PIXEL;
      state.map.getContainer().appendChild(mark);
    } else if (typeof window.requestAnimationFrame === 'function') {
      window.requestAnimationFrame(function () { window.requestAnimationFrame(once); });
    }
    setTimeout(once, PAINT_TIMEOUT_MS);
  }

  function markReady() {
    state.ready = true;
    window.datelineReady = true;
  }

  function init(map, config) {
    state.map = map;
    state.config = config || {};
    state.static = state.config.static === true;
    if (state.static) map.getContainer().classList.add('dl-static');
    // Markercluster needs the map's zoom range; with no tile layer only we can give it.
    if (state.config.minZoom !== undefined) map.setMinZoom(state.config.minZoom);
    if (state.config.maxZoom !== undefined) map.setMaxZoom(state.config.maxZoom);
    if (map.attributionControl) {
      map.attributionControl.setPrefix(false);
      if (state.config.attribution) {
        // Leaflet takes attribution as HTML; ours is plain text.
        map.attributionControl.addAttribution(escapeHtml(state.config.attribution));
      }
    }
    if (state.config.scaleBar !== false) {
      // Leaflet rounds the bar down to 1, 2, 3 or 5 units, so it can be half maxWidth:
      // 130 px leaves room for "1000 km" at any zoom.
      L.control.scale({ metric: true, imperial: false, maxWidth: 130 }).addTo(map);
    }
    if (state.config.filter) {
      // An export's filter, applied as the pins arrive (as setFilter would).
      try {
        state.filter = readFilter(state.config.filter);
      } catch (error) {
        console.error('Dateline: embedded filter not applied: ' + error);
      }
    }
    map.on('popupopen', function (event) {
      state.openPopup = event.popup;
      // The legend sits above the map's panes and would cover a popup opened under it:
      // fold it while a popup is open, and unfold it afterwards if the user had it open.
      if (!state.legendCollapsed) {
        state.legendFoldedForPopup = true;
        setLegendCollapsed(true);
      }
    });
    // A reader who drags, scrolls, zooms or uses the keys on the map has chosen a view
    // (the legend and the credits are not the map).
    ['mousedown', 'wheel', 'touchstart', 'keydown'].forEach(function (type) {
      map.getContainer().addEventListener(type, function (event) {
        var control = event.target.closest && event.target.closest('.leaflet-control');
        if (!control || control.classList.contains('leaflet-control-zoom')) {
          state.viewChosen = true;
        }
      }, true);
    });
    map.on('popupclose', function (event) {
      if (state.legendFoldedForPopup) {
        state.legendFoldedForPopup = false;
        setLegendCollapsed(false);
      }
      if (state.openPopup === event.popup) state.openPopup = null;
    });
    try {
      addBasemap(map, window.DATELINE_BASEMAP, window.DATELINE_COUNTRY_LABELS);
    } catch (error) {
      console.error('Dateline: basemap not drawn: ' + error);
    }
    if (state.config.legend !== false) {
      state.legend = new Legend();
      state.legend.addTo(map);
      updateLegend(readMeta(null));
    }
    state.cluster = L.markerClusterGroup({
      // A report clusters only pins drawn on top of each other: a cluster's number
      // tells a reader less than the pins' colours and names (town pins show through
      // the translucent pins of countries).
      maxClusterRadius: state.static ? 4 : 40,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      animate: !state.static,
      iconCreateFunction: clusterIcon
    }).addTo(map);
    var pins = null;
    try {
      pins = embeddedPins();
    } catch (error) {
      console.error('Dateline: embedded pins not read: ' + error);
    }
    var view = configView();
    // With pins, setPins frames them (framing the world first would only cost a redraw).
    if (!pins || view) initialView();
    if (map.getSize().x === 0) {
      // Laid out while hidden: frame the world (or the pins, or the view) again once
      // the view has a size.
      map.once('resize', initialView);
    }
    try {
      if (pins) setPins(pins, { fit: !view });
    } catch (error) {
      console.error('Dateline: embedded pins not shown: ' + error);
    }
    if (state.static) labelPins();
    updateLabels();
    // A report is ready for its snapshot once what was just drawn has been painted.
    if (state.static) afterPaint(markReady);
    else markReady();
    connectBridge();
  }

  window.Dateline = {
    init: init,
    setPins: setPins,
    setFilter: setFilter,
    filterState: filterState,
    flyTo: flyTo,
    clickPin: clickPin,
    contextPin: contextPin,
    pinIds: pinIds,
    isReady: isReady,
    popupText: popupText,
    fitPins: fitPins,
    viewState: viewState,
    setView: setView
  };
})();
