// The legend control: event types and their colours, and what a pin's size means.

// Top right: the zoom control is top left, the scale bottom left, the credits bottom right.
const Legend = L.Control.extend({
  options: { position: 'topright' },

  onAdd: function () {
    const root = el('div', 'dl-legend leaflet-control');
    root.setAttribute('role', 'region');
    root.setAttribute('aria-label', 'Legend');
    const toggle = el('button', 'dl-legend-toggle');
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
  const legend = state.legend;
  state.legendCollapsed = Boolean(collapsed);
  if (!legend || !legend._root) return;
  legend._root.classList.toggle('dl-legend-collapsed', state.legendCollapsed);
  legend._toggle.setAttribute('aria-expanded', state.legendCollapsed ? 'false' : 'true');
  legend._toggle.title = state.legendCollapsed ? 'Show the legend' : 'Hide the legend';
}

function legendItem(name, color, key, count) {
  const item = el('div', 'dl-legend-item');
  item.setAttribute('data-event-type', key);
  const swatch = el('span', 'dl-swatch');
  swatch.style.backgroundColor = color;
  item.appendChild(swatch);
  item.appendChild(el('span', 'dl-legend-label', name));
  // How many pins on the map wear this colour (a number, never article text).
  item.appendChild(el('span', 'dl-legend-count', String(count)));
  return item;
}

// Rebuilt for each payload: a list of the event types on the map (filled by markLegend,
// which follows the filter), and what a pin's size and fill mean. Hidden while there are
// no pins.
function updateLegend(meta) {
  const legend = state.legend;
  if (!legend || !legend._body) return;
  legend._meta = meta;
  const body = legend._body;
  while (body.firstChild) body.removeChild(body.firstChild);
  legend._root.classList.toggle('dl-legend-empty', state.pins.length === 0);
  if (meta.eventTypes.length) {
    // The counts are places (pins), not excerpts: say so, beside the Filters' excerpt counts.
    body.appendChild(el('div', 'dl-legend-title', 'Event type \u00b7 places'));
    legend._types = el('div', 'dl-legend-types');
    body.appendChild(legend._types);
  } else {
    legend._types = null;
  }
  const size = el('div', 'dl-legend-size');
  const dots = el('span', 'dl-legend-dots');
  [1, 10, 40].forEach(function (n) {
    const dot = el('span', 'dl-legend-dot');
    const d = pinDiameter(n) * 0.6;
    dot.style.width = d + 'px';
    dot.style.height = d + 'px';
    dots.appendChild(dot);
  });
  size.appendChild(dots);
  size.appendChild(el('span', 'dl-legend-label', 'Pin size = number of mentions'));
  body.appendChild(size);
  // Solid: an event of the excerpts shown happened there; hollow: only mentioned.
  const roles = el('div', 'dl-legend-roles');
  [['', 'where events happened'], [' dl-legend-role-mentioned', 'only mentioned']].forEach(
    function (role) {
      const item = el('div', 'dl-legend-role');
      item.appendChild(el('span', 'dl-legend-role-dot' + role[0]));
      item.appendChild(el('span', 'dl-legend-label', role[1]));
      roles.appendChild(item);
    });
  body.appendChild(roles);
  markLegend();
  setLegendCollapsed(state.legendCollapsed);
}

// The range of days the filter shows ("" for every date), as the window's status bar says it.
function rangeText(filter) {
  const first = filter.firstDay;
  const last = filter.lastDay;
  if (first === null && last === null) return '';
  let text;
  if (first !== null && first <= 1 && last === null) text = 'Dated excerpts only';
  else if (first === null) text = 'Until ' + dayText(last);
  else if (last === null) text = 'From ' + dayText(first);
  else if (first === last) text = dayText(first);
  else text = dayText(first) + ' \u2013 ' + dayText(last);
  return filter.undated || text === 'Dated excerpts only' ? text : text + ' (undated hidden)';
}

// The legend's first line: the range of days shown (none when every date is).
function markRange(body) {
  let line = body.querySelector('.dl-legend-range');
  const text = rangeText(state.filter);
  if (!text) {
    if (line) body.removeChild(line);
    return;
  }
  if (!line) {
    line = el('div', 'dl-legend-range');
    body.insertBefore(line, body.firstChild);
  }
  line.textContent = text;
}

// The event types of the pins on the map (after the filters), in taxonomy order, each
// with how many shown pins wear its colour; "No event type" last. A type the map does not
// show is not listed: a key to the map, not to the taxonomy.
function markLegend() {
  const legend = state.legend;
  if (!legend || !legend._body) return;
  markRange(legend._body);
  const list = legend._types;
  if (!list || !legend._meta) return;
  while (list.firstChild) list.removeChild(list.firstChild);
  const counts = coloursOnMap();
  legend._meta.eventTypes.forEach(function (t) {
    if (counts.has(t.name)) list.appendChild(legendItem(t.name, t.color, t.name, counts.get(t.name)));
  });
  if (counts.has(NO_EVENT)) {
    list.appendChild(legendItem('No event type', legend._meta.noEventColor, NO_EVENT,
      counts.get(NO_EVENT)));
  }
  const title = legend._body.querySelector('.dl-legend-title');
  if (title) title.classList.toggle('dl-legend-absent', counts.size === 0);
}

// The event types (NO_EVENT for "no event type") whose colour a shown pin wears, each
// with how many shown pins wear it.
function coloursOnMap() {
  const d = state.data;
  const keys = new Map();
  if (!d || !d.colouring) return keys;
  const names = [];
  d.typeCode.forEach(function (code, name) { names[code] = name; });
  state.pins.forEach(function (pin) {
    if (!pin.shown) return;
    const key = pin.dominant >= 0 && pin.dominant < d.knownTypes ? names[pin.dominant] : NO_EVENT;
    keys.set(key, (keys.get(key) || 0) + 1);
  });
  return keys;
}
