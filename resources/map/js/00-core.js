/*
 * Dateline map page: offline basemap, pins, popups, filters, legend, and the narrow
 * bridge to Python.
 *
 * The files of resources/map/js are one script in parts: mapper/page/mapview.py
 * (PAGE_SCRIPTS) joins them in a fixed order, this one first, inside a single
 * strict-mode function, so they share one scope and define no global but
 * window.Dateline (and window.datelineReady). What a file runs as it loads may use only
 * what the files before it declare; functions may use anything, once loaded.
 *
 * Loaded after Leaflet and Leaflet.markercluster (and the basemap script when present);
 * folium's inline script calls Dateline.init(map, config) once the L.map exists.
 *
 * Article strings are hostile: they reach the DOM through textContent only, never
 * innerHTML, and only ids travel to Python.
 *
 * Filtering (Dateline.setFilter, filter.js) applies the rule of mapper/filters.py to the
 * excerpts of the pins already loaded: an excerpt passes when it passes every facet that
 * is set — actors: it names at least one of them; eventTypes: at least one of its event
 * types is among them ("" stands for excerpts with no event type); articles: it comes
 * from one of them. A place stays on the map while at least one of its excerpts passes;
 * its size, colour, counts and popup follow the passing excerpts only.
 *
 * Exports (mapper/export/formats.py) embed the pins with a filter and, optionally, a view in the
 * page config; with config.static (report mode, for snapshots) nothing animates, the
 * legend stays open and lists only the colours on the map, and window.datelineReady is
 * set only once everything is drawn and framed.
 *
 * Here: constants, the page's shared state and small helpers.
 */

const LABEL_FONT = '600 11px "Helvetica Neue", Arial, Helvetica, sans-serif';
const LABEL_HEIGHT = 14;
const LABEL_GAP = 6;
const WORLD = [[-58, -170], [78, 190]];
const FIT_PADDING = [48, 48];
const FIT_MAX_ZOOM = 6;
const FLY_ZOOM = { country: 4, continent: 3, region: 4, admin1: 5, admin2: 6, city: 7 };
const KIND_LABEL = {
  country: 'country', admin1: 'state/province', admin2: 'district', city: 'city',
  continent: 'continent', region: 'region'
};
const EXCERPT_DISPLAY_CHARS = 320;
const POPUP_EXCERPTS = 3;
const COLOR = /^#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?$/;
const DEFAULT_NO_EVENT_COLOR = '#bcc0c6';
const NO_EVENT = '';   // mapper.filters.NO_EVENT
const FACETS = ['actors', 'eventTypes', 'articles'];
// Report mode: the image whose presentation says the page is drawn (see afterPaint).
const DRAWN_MARK = 'dateline-drawn';
const TRANSPARENT_PIXEL = 'data:image/png;base64,' +
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4//8/AwAI/AL+p5qgoAAAAABJRU5ErkJggg==';
const PAINT_TIMEOUT_MS = 5000;

const state = {
  map: null,
  config: {},
  cluster: null,
  pins: [],             // pin records in payload order (most mentioned first)
  markers: new Map(),   // place id -> L.Marker, shown or filtered out
  data: null,           // the pins' excerpts as integer codes (see compile)
  filter: { actors: null, eventTypes: null, articles: null, firstDay: null, lastDay: null,
    undated: true, search: '', excerpts: null },
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
  revealToken: 0,
  actorNames: null      // actor id -> name, from the payload (set by setPins)
};

// -- small helpers --------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function toInt(value, fallback) {
  const n = Number(value);
  return Number.isFinite(n) ? Math.max(0, Math.floor(n)) : fallback;
}

function toText(value) {
  return value === undefined || value === null ? '' : String(value);
}

function escapeHtml(text) {
  return toText(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function notify(method, id) {
  const bridge = state.bridge;
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
