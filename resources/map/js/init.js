// Dateline.init (called by folium's inline script once the L.map exists): controls,
// basemap, legend, clusters, the embedded pins, the first view, and readiness.

function embeddedPins() {
  const node = state.config.pinsElement && document.getElementById(state.config.pinsElement);
  return node ? JSON.parse(node.textContent) : null;
}

// The view the config asks for, as [lat, lon, zoom], or null.
function configView() {
  const view = state.config.view;
  if (!Array.isArray(view) || view.length !== 3) return null;
  const numbers = view.map(Number);
  if (!numbers.every(Number.isFinite) || Math.abs(numbers[0]) > 90) return null;
  return numbers;
}

// Where the map starts: the config's view, else the pins shown, else the world.
function initialView() {
  const view = configView();
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
  let called = false;
  const once = function () {
    if (called) return;
    called = true;
    done();
  };
  const Observer = window.PerformanceObserver;
  const types = Observer && Observer.supportedEntryTypes;
  if (types && types.indexOf('element') >= 0) {
    const observer = new Observer(function (list) {
      list.getEntries().forEach(function (entry) {
        if (entry.identifier !== DRAWN_MARK) return;
        observer.disconnect();
        once();
      });
    });
    observer.observe({ type: 'element', buffered: true });
    const mark = el('img', 'dl-drawn-mark');
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
      const control = event.target.closest && event.target.closest('.leaflet-control');
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
  // Until the reader chooses a view, the pins stay framed when the map changes size (a
  // dock dragged wider): a narrow map, and its "current view" export, still show them.
  // (Reports keep the view they were given.)
  map.on('resize', function () {
    if (!state.static && !state.viewChosen && !state.openPopup && state.pins.length) {
      frameMarkers();
    }
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
    // A report clusters only pins whose icons would overlap (markers.js, spreadReport):
    // a cluster's number tells a reader less than the pins' colours and names.
    maxClusterRadius: state.static ? reportClusterRadius : 40,
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    animate: !state.static,
    iconCreateFunction: clusterIcon
  }).addTo(map);
  let pins = null;
  try {
    pins = embeddedPins();
  } catch (error) {
    console.error('Dateline: embedded pins not read: ' + error);
  }
  const view = configView();
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
  if (state.config.dateControl === true && !state.static) {
    try {
      addDateControl();
    } catch (error) {
      console.error('Dateline: date control not added: ' + error);
    }
  }
  initMapView();  // choropleth.js: the export's view, and the switch
  initContext();  // context.js: borders and pin names (then the country labels)
  // A report is ready for its snapshot once what was just drawn has been painted.
  if (state.static) afterPaint(markReady);
  else markReady();
  connectBridge();
}
