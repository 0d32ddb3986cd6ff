// Views of many places (Dateline.setMapView): 'pins' (the markers and clusters), a
// 'choropleth' of the excerpts shown by country and, zoomed in, by state/province, or a
// 'heat' layer of them. The choropleth and the heat count exactly what the pins show: the
// excerpts that pass the filter (filter.js: facets, dates, event places, and anything
// else that sets state.data.pass) and count for a pin (entryCounts); setFilter and
// setPins call refreshMapView, so they recount whenever the pins change.
//
// Shapes: window.DATELINE_BASEMAP (countries, id = ISO 3166-1 numeric) and
// window.DATELINE_ADMIN1 (states/provinces, id = ISO 3166-2; scripts/make_admin1.py);
// a pin names its shapes in the payload ("cid", "a1": mapper/page/regions.py).

const MAP_VIEWS = ['pins', 'choropleth', 'heat'];
const MAP_VIEW_LABELS = { pins: 'Pins', choropleth: 'Areas', heat: 'Heat' };
// ColorBrewer "OrRd", 5 classes (sequential; readable in print and for colour-blind readers).
const CHORO_COLORS = ['#fdcc8a', '#fc8d59', '#e34a33', '#b30000', '#7f0000'];
const CHORO_CLASSES = CHORO_COLORS.length;
// ColorBrewer "YlOrRd" as a ramp (dateline.css .dl-heat-ramp draws the same).
const HEAT_GRADIENT = { 0.25: '#fed976', 0.45: '#feb24c', 0.6: '#fd8d3c', 0.8: '#f03b20', 1: '#bd0026' };
// From this zoom the choropleth divides countries into their states/provinces.
const ADMIN1_ZOOM = 4;

const mapView = {
  name: 'pins',
  pane: null,
  countries: null,    // L.geoJSON of the counted countries (rebuilt on each recount)
  admin1: null,       // the same for states/provinces
  heat: null,         // L.heatLayer
  legend: null,       // the classes control
  control: null,      // the Pins / Areas / Heat switch
  countryShapes: null,  // id -> GeoJSON feature
  admin1Shapes: null,
  counts: { countries: new Map(), admin1: new Map() },
  breaks: [],         // upper bound of each class, ascending
  admin1Loading: false,
  zoomHooked: false
};

function shapeIndex(collection) {
  const index = new Map();
  const features = collection && Array.isArray(collection.features) ? collection.features : [];
  features.forEach(function (feature) {
    const id = toText(feature.id !== undefined ? feature.id : (feature.properties || {}).id);
    if (id && !index.has(id)) index.set(id, feature);
  });
  return index;
}

// The distinct shown excerpts of each region: `key` is the pin's field naming the region
// ('cid' or 'a1'). Pins are grouped by region first, so an excerpt naming two places of
// one country counts once for it.
function regionCounts(key) {
  const d = state.data;
  const out = new Map();
  if (!d || !d.excerpts) return out;
  const groups = new Map();
  state.pins.forEach(function (pin, p) {
    const region = pin[key];
    if (!region) return;
    let group = groups.get(region);
    if (!group) { group = []; groups.set(region, group); }
    group.push(p);
  });
  const seen = new Int32Array(d.excerpts);
  let stamp = 0;
  groups.forEach(function (group, region) {
    stamp += 1;
    let n = 0;
    group.forEach(function (p) {
      for (let j = d.pinStart[p]; j < d.pinStart[p + 1]; j++) {
        const e = d.entryExcerpt[j];
        if (seen[e] === stamp || !entryCounts(d, j)) continue;
        seen[e] = stamp;
        n += 1;
      }
    });
    if (n > 0) out.set(region, n);
  });
  return out;
}

// Class breaks (upper bounds, ascending, at most CHORO_CLASSES) from the counts: quantiles
// of the distinct values, so a few big countries do not leave every other one in class 1.
function classBreaks(values) {
  const distinct = Array.from(new Set(values)).sort(function (a, b) { return a - b; });
  if (!distinct.length) return [];
  if (distinct.length <= CHORO_CLASSES) return distinct;
  const breaks = [];
  for (let i = 1; i <= CHORO_CLASSES; i++) {
    const value = distinct[Math.min(distinct.length - 1, Math.ceil(i * distinct.length / CHORO_CLASSES) - 1)];
    if (!breaks.length || value > breaks[breaks.length - 1]) breaks.push(value);
  }
  return breaks;
}

function classOf(count) {
  const breaks = mapView.breaks;
  for (let i = 0; i < breaks.length; i++) if (count <= breaks[i]) return i;
  return breaks.length - 1;
}

// Colours spread over the palette when there are fewer classes than colours.
function classColor(index) {
  const n = mapView.breaks.length;
  if (n <= 1) return CHORO_COLORS[2];
  return CHORO_COLORS[Math.round(index * (CHORO_CLASSES - 1) / (n - 1))];
}

function regionLayer(shapes, counts, className, faded) {
  const features = [];
  counts.forEach(function (count, id) {
    const feature = shapes.get(id);
    if (feature) features.push(feature);
  });
  return L.geoJSON({ type: 'FeatureCollection', features: features }, {
    pane: 'dl-choropleth',
    style: function (feature) {
      const count = counts.get(toText(feature.id)) || 0;
      return {
        className: className, weight: 0.8, color: '#5b4636', opacity: faded ? 0.4 : 0.9,
        fillColor: classColor(classOf(count)), fillOpacity: faded ? 0.25 : 0.85
      };
    },
    onEachFeature: function (feature, layer) {
      const id = toText(feature.id);
      const name = toText((feature.properties || {}).name) || id;
      layer.bindTooltip(function () {
        const count = counts.get(id) || 0;
        return el('span', 'dl-tooltip-name',
          name + ': ' + count + (count === 1 ? ' excerpt' : ' excerpts'));
      }, { sticky: true, className: 'dl-tooltip' });
      layer.on('add', function () {
        const path = layer.getElement && layer.getElement();
        if (path) {
          path.setAttribute('data-region', id);
          path.setAttribute('data-count', String(counts.get(id) || 0));
        }
      });
    }
  });
}

function dropLayer(name) {
  if (mapView[name]) {
    state.map.removeLayer(mapView[name]);
    mapView[name] = null;
  }
}

function drawChoropleth() {
  const map = state.map;
  if (!map.getPane('dl-choropleth')) {
    // Above the land (overlay pane), under the country labels and the pins.
    map.createPane('dl-choropleth').style.zIndex = 410;
  }
  if (!mapView.countryShapes) mapView.countryShapes = shapeIndex(window.DATELINE_BASEMAP);
  const counts = mapView.counts;
  counts.countries = regionCounts('cid');
  counts.admin1 = regionCounts('a1');
  let detailed = map.getZoom() >= ADMIN1_ZOOM && counts.admin1.size > 0;
  if (detailed && !mapView.admin1Shapes) {
    if (window.DATELINE_ADMIN1) mapView.admin1Shapes = shapeIndex(window.DATELINE_ADMIN1);
    else detailed = loadAdmin1() && false;  // drawn again once they are here
  }
  const shown = detailed ? Array.from(counts.countries.values()).concat(Array.from(counts.admin1.values()))
    : Array.from(counts.countries.values());
  mapView.breaks = classBreaks(shown);
  dropLayer('countries');
  dropLayer('admin1');
  mapView.countries = regionLayer(mapView.countryShapes, counts.countries, 'dl-choro-country', detailed)
    .addTo(map);
  if (detailed) {
    mapView.admin1 = regionLayer(mapView.admin1Shapes, counts.admin1, 'dl-choro-admin1', false)
      .addTo(map);
  }
  updateChoroLegend(detailed);
}

// The states and provinces are a big script the window's page loads only when a zoomed-in
// choropleth first needs them (config.admin1Src, a local file); exports embed them.
// Returns whether they are being loaded.
function loadAdmin1() {
  const src = toText(state.config.admin1Src);
  if (!src || mapView.admin1Loading) return false;
  mapView.admin1Loading = true;
  const script = document.createElement('script');
  script.src = src;
  script.onload = function () {
    if (mapView.name === 'choropleth') drawChoropleth();
    else scheduleContext();  // context.js: the borders of the pins view
  };
  script.onerror = function () { console.error('Dateline: states and provinces not loaded'); };
  document.head.appendChild(script);
  return true;
}

function drawHeat() {
  dropLayer('heat');
  if (typeof L.heatLayer !== 'function') return;
  const points = [];
  let most = 0;
  state.pins.forEach(function (pin) {
    if (!pin.shown || pin.passing <= 0) return;
    // A country's (or a region's) pin stands at its middle, where nothing happened.
    if (pin.kind === 'country' || pin.kind === 'continent' || pin.kind === 'region') return;
    points.push([pin.lat, pin.lon, pin.passing]);
    if (pin.passing > most) most = pin.passing;
  });
  // A square root keeps one much-mentioned capital from washing out everything else.
  const scaled = points.map(function (p) { return [p[0], p[1], Math.sqrt(p[2])]; });
  mapView.heat = L.heatLayer(scaled, {
    radius: 22, blur: 18, minOpacity: 0.35, maxZoom: 5, max: Math.max(1, Math.sqrt(most)),
    gradient: HEAT_GRADIENT
  }).addTo(state.map);
  // Leaflet.heat puts its canvas in the overlay pane with the land's SVG: keep it on top.
  if (mapView.heat._canvas) mapView.heat._canvas.style.zIndex = '1';
  updateChoroLegend(false);
}

// -- the classes legend ------------------------------------------------------------

const ChoroLegend = L.Control.extend({
  options: { position: 'bottomright' },
  onAdd: function () {
    const root = el('div', 'dl-choro-legend leaflet-control');
    root.setAttribute('role', 'region');
    root.setAttribute('aria-label', 'Map classes');
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    this._root = root;
    return root;
  }
});

function updateChoroLegend(detailed) {
  if (state.config.legend === false) return;
  if (!mapView.legend) {
    mapView.legend = new ChoroLegend();
    mapView.legend.addTo(state.map);
  }
  const root = mapView.legend._root;
  while (root.firstChild) root.removeChild(root.firstChild);
  root.classList.toggle('dl-choro-legend-hidden', mapView.name === 'pins');
  if (mapView.name === 'heat') {
    root.appendChild(el('div', 'dl-choro-title', 'Excerpts shown (heat)'));
    const ramp = el('div', 'dl-heat-ramp');
    root.appendChild(ramp);
    const ends = el('div', 'dl-heat-ends');
    ends.appendChild(el('span', '', 'fewer'));
    ends.appendChild(el('span', '', 'more'));
    root.appendChild(ends);
    return;
  }
  if (mapView.name !== 'choropleth') return;
  root.appendChild(el('div', 'dl-choro-title',
    detailed ? 'Excerpts per country / state' : 'Excerpts per country'));
  if (!mapView.breaks.length) {
    root.appendChild(el('div', 'dl-choro-label', 'None shown'));
    return;
  }
  let low = 1;
  mapView.breaks.forEach(function (high, i) {
    const item = el('div', 'dl-choro-class');
    const swatch = el('span', 'dl-choro-swatch');
    swatch.style.backgroundColor = classColor(i);
    item.appendChild(swatch);
    item.appendChild(el('span', 'dl-choro-label', low === high ? String(high) : low + '\u2013' + high));
    root.appendChild(item);
    low = high + 1;
  });
}

// -- the switch (a map control) ------------------------------------------------------

const ViewSwitch = L.Control.extend({
  options: { position: 'topleft' },
  onAdd: function () {
    const root = el('div', 'dl-view-switch leaflet-bar leaflet-control');
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', 'Map view');
    this._buttons = {};
    const self = this;
    MAP_VIEWS.forEach(function (name) {
      const button = el('button', 'dl-view-button', MAP_VIEW_LABELS[name]);
      button.type = 'button';
      button.setAttribute('data-view', name);
      button.title = name === 'choropleth' ? 'Counts by country and state (choropleth)'
        : name === 'heat' ? 'Heat map of the excerpts shown' : 'Pins';
      button.addEventListener('click', function () {
        setMapView(name);
        notify('mapViewChosen', name);
      });
      self._buttons[name] = button;
      root.appendChild(button);
    });
    L.DomEvent.disableClickPropagation(root);
    return root;
  }
});

function markViewSwitch() {
  const control = mapView.control;
  if (!control || !control._buttons) return;
  MAP_VIEWS.forEach(function (name) {
    control._buttons[name].setAttribute('aria-pressed', name === mapView.name ? 'true' : 'false');
  });
}

function addViewSwitch() {
  if (state.static || mapView.control) return;
  mapView.control = new ViewSwitch();
  mapView.control.addTo(state.map);
  markViewSwitch();
}

// -- entry points ------------------------------------------------------------------

// A place chosen (in the Places list, or by Python) is shown as its pin and popup: back
// to the pins, and the window's View menu follows.
function showPins() {
  if (mapView.name === 'pins') return;
  setMapView('pins');
  notify('mapViewChosen', 'pins');
}

// Redraw the current view from the current filter (after setFilter / setPins).
function refreshMapView() {
  scheduleContext();  // context.js: pin names follow the pins shown
  if (!state.map || mapView.name === 'pins') return;
  if (mapView.name === 'choropleth') drawChoropleth();
  else drawHeat();
}

// Show the pins, the choropleth or the heat layer. Returns JSON {"view", "ms",
// "countries", "admin1", "classes"}: regions with a count, the class upper bounds, and
// the time taken here in milliseconds (bench/page.py).
function setMapView(name) {
  const started = performance.now();
  name = MAP_VIEWS.indexOf(name) >= 0 ? name : 'pins';
  const map = state.map;
  if (map) {
    mapView.name = name;
    // The pins' legend (event types, pin sizes) is about pins only (dateline.css).
    MAP_VIEWS.forEach(function (view) {
      map.getContainer().classList.toggle('dl-view-' + view, view === name);
    });
    dropLayer('countries');
    dropLayer('admin1');
    dropLayer('heat');
    if (name === 'pins') {
      if (state.cluster && !map.hasLayer(state.cluster)) map.addLayer(state.cluster);
      if (mapView.legend) mapView.legend._root.classList.add('dl-choro-legend-hidden');
    } else {
      if (state.cluster && map.hasLayer(state.cluster)) {
        map.closePopup();
        map.removeLayer(state.cluster);
      }
      if (!mapView.zoomHooked) {
        mapView.zoomHooked = true;
        // States/provinces appear (and the classes follow) as the zoom crosses ADMIN1_ZOOM.
        map.on('zoomend', function () {
          if (mapView.name === 'choropleth') drawChoropleth();
        });
      }
      refreshMapView();
    }
    markViewSwitch();
    scheduleContext();  // context.js: borders and pin names are for the pins view
  }
  return JSON.stringify(mapViewState(performance.now() - started));
}

function mapViewState(ms) {
  const counts = mapView.counts;
  const asObject = function (map) {
    const out = {};
    map.forEach(function (value, key) { out[key] = value; });
    return out;
  };
  const choropleth = mapView.name === 'choropleth';
  return {
    view: mapView.name,
    ms: ms === undefined ? 0 : ms,
    countries: choropleth ? asObject(counts.countries) : {},
    admin1: choropleth ? asObject(counts.admin1) : {},
    classes: choropleth ? mapView.breaks.slice() : []
  };
}

// The view a page was built with (exports: config.mapView), and the switch.
function initMapView() {
  addViewSwitch();
  const wanted = toText(state.config.mapView);
  if (wanted && wanted !== 'pins') setMapView(wanted);
}
