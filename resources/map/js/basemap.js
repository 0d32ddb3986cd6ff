// The basemap: land, and country labels that keep clear of each other and of the names of
// the pins (context.js, state.reserved).

let measureContext = null;

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
      const name = toText(item.name);
      const rank = Number(item.rank);
      return { name: name, lat: Number(item.lat), lon: Number(item.lon),
               rank: Number.isFinite(rank) ? rank : Infinity };
    })
    .sort(function (a, b) { return a.rank - b.rank; });
  // Ranks are either size tiers (1 = largest, a handful of values: the label shows from
  // about zoom = rank) or a plain ordering; either way the biggest countries come first
  // and a label that would overlap one already placed waits for more room.
  const tiers = state.labels.every(function (item) { return item.rank <= 10; });
  state.labels = state.labels
    .map(function (item, index) {
      const text = el('span', '', item.name);
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
  const map = state.map;
  if (!map || !state.labelLayer) return;
  const zoom = map.getZoom();
  const placed = state.reserved.slice();
  const named = state.pinNames;
  state.labels.forEach(function (label) {
    let show = false;
    if (zoom >= label.minZoom && !(named && named.has(label.name))) {
      const p = map.project([label.lat, label.lon], zoom);
      const halfW = label.width / 2 + LABEL_GAP;
      const halfH = LABEL_HEIGHT / 2 + LABEL_GAP / 2;
      const box = [p.x - halfW, p.y - halfH, p.x + halfW, p.y + halfH];
      show = !overlaps(box, placed);
      if (show) placed.push(box);
    }
    const shown = state.labelLayer.hasLayer(label.marker);
    if (show && !shown) state.labelLayer.addLayer(label.marker);
    else if (!show && shown) state.labelLayer.removeLayer(label.marker);
  });
}
