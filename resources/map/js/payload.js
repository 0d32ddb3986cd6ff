// Reading the pins payload (mapview.pins_feature_collection): pin records, the
// taxonomy and actor names, and the excerpts as integer codes for filter.js.

function readExcerpt(ex) {
  const highlights = Array.isArray(ex.highlights) ? ex.highlights : [];
  return {
    id: toText(ex.id),
    article: toText(ex.article),
    title: toText(ex.title),
    text: toText(ex.text),
    highlights: highlights,
    n: toInt(ex.n, highlights.length),
    actors: Array.isArray(ex.actors) ? ex.actors.map(toText) : [],
    events: Array.isArray(ex.events) ? ex.events.map(toText) : [],
    // Whether an event of the sentence happened at this pin's place (sent only when so).
    ev: ex.ev === 1 ? 1 : 0,
    // When: the date (a TIMEX3 value), whether the sentence gave it or the article, and
    // the days it covers as ordinals (0: undated; the last day is the first unless given).
    date: toText(ex.date),
    dateFrom: Number.isInteger(ex.d0) && ex.d0 > 0 ? (ex.own ? 'sentence' : 'article') : '',
    d0: Number.isInteger(ex.d0) && ex.d0 > 0 ? ex.d0 : 0,
    d1: Number.isInteger(ex.d0) && ex.d0 > 0 ? (Number.isInteger(ex.d1) ? ex.d1 : ex.d0) : 0
  };
}

function readPin(feature) {
  if (!feature || typeof feature !== 'object') return null;
  const geometry = feature.geometry || {};
  const coords = geometry.coordinates;
  if (geometry.type !== 'Point' || !Array.isArray(coords) || coords.length < 2) return null;
  const lon = Number(coords[0]);
  const lat = Number(coords[1]);
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90) return null;
  const props = feature.properties || {};
  const id = toText(props.id !== undefined ? props.id : feature.id);
  if (!id) return null;
  const excerpts = Array.isArray(props.excerpts) ? props.excerpts : [];
  return {
    id: id,
    lat: lat,
    lon: lon,
    name: toText(props.name) || id,
    kind: toText(props.kind),
    country: toText(props.country),
    cid: toText(props.cid),   // choropleth shapes (choropleth.js)
    a1: toText(props.a1),
    count: toInt(props.count, 1),
    color: COLOR.test(toText(props.color)) ? props.color : '',
    more: toInt(props.more, 0),
    excerpts: excerpts.filter(function (ex) { return ex && typeof ex === 'object'; })
      .map(readExcerpt),
    // What the current filter leaves of the pin (set by applyFilter).
    shown: true,
    mentions: 0,
    passing: 0,
    eventPassing: 0,
    dominant: -1,
    size: 0,
    paint: ''
  };
}

// The payload's foreign member: the event taxonomy (display order) and actor names.
function readMeta(collection) {
  const meta = collection && typeof collection.dateline === 'object' && collection.dateline
    ? collection.dateline : {};
  const seen = new Set();
  const eventTypes = (Array.isArray(meta.eventTypes) ? meta.eventTypes : [])
    .filter(function (t) {
      if (!t || typeof t !== 'object') return false;
      const name = toText(t.name);
      if (!name || seen.has(name) || !COLOR.test(toText(t.color))) return false;
      seen.add(name);
      return true;
    })
    .map(function (t) { return { name: toText(t.name), color: toText(t.color) }; });
  const noEvent = toText(meta.noEventColor);
  return {
    eventTypes: eventTypes,
    noEventColor: COLOR.test(noEvent) ? noEvent : DEFAULT_NO_EVENT_COLOR,
    actors: meta.actors && typeof meta.actors === 'object' ? meta.actors : {}
  };
}

// Everything setFilter needs, as typed arrays built once per setPins: every distinct
// excerpt (by id) with its article, actors and event types as integer codes, and every
// pin's entries (excerpt code, mentions of the pin in it, whether an event of the sentence
// happened at the pin's place: "ev"). An excerpt is an event excerpt when any of its
// entries is. Event-type codes follow the
// taxonomy order, so the lowest code wins a tie; types outside the taxonomy come after.
function compile(pins, meta) {
  const typeCode = new Map();
  const typeColors = [];
  meta.eventTypes.forEach(function (t) {
    typeCode.set(t.name, typeColors.length);
    typeColors.push(t.color);
  });
  const knownTypes = typeColors.length;
  const actorCode = new Map();
  const articleCode = new Map();
  const excerptCode = new Map();
  const exArticle = [];
  const exFirstDay = [];
  const exLastDay = [];
  const exActors = [0];
  const actorCodes = [];
  const exTypes = [0];
  const typeCodes = [];
  const entryExcerpt = [];
  const entryMentions = [];
  const entryEvent = [];
  const exEvent = [];
  const pinStart = [0];
  const code = function (table, key) {
    let value = table.get(key);
    if (value === undefined) {
      value = table.size;
      table.set(key, value);
    }
    return value;
  };
  pins.forEach(function (pin) {
    pin.excerpts.forEach(function (ex) {
      let e = ex.id ? excerptCode.get(ex.id) : undefined;
      if (e === undefined) {
        e = exArticle.length;
        if (ex.id) excerptCode.set(ex.id, e);
        exArticle.push(code(articleCode, ex.article));
        // Days as ordinals; 0 (or anything not a whole number) is an undated excerpt.
        exFirstDay.push(ex.d0);
        exLastDay.push(ex.d1);
        ex.actors.forEach(function (a) { actorCodes.push(code(actorCode, a)); });
        exActors.push(actorCodes.length);
        ex.events.forEach(function (t) {
          if (!typeCode.has(t)) typeCode.set(t, typeCode.size);
          typeCodes.push(typeCode.get(t));
        });
        exTypes.push(typeCodes.length);
        exEvent.push(0);
      }
      entryExcerpt.push(e);
      entryMentions.push(ex.n);
      entryEvent.push(ex.ev === 1 ? 1 : 0);
      if (ex.ev === 1) exEvent[e] = 1;
    });
    pinStart.push(entryExcerpt.length);
  });
  const excerpts = exArticle.length;
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
    excerptCode: excerptCode,
    excerpts: excerpts,
    exArticle: Int32Array.from(exArticle),
    exFirstDay: Int32Array.from(exFirstDay),
    exLastDay: Int32Array.from(exLastDay),
    exActors: Int32Array.from(exActors),
    actorCodes: Int32Array.from(actorCodes),
    exTypes: Int32Array.from(exTypes),
    typeCodes: Int32Array.from(typeCodes),
    entryExcerpt: Int32Array.from(entryExcerpt),
    entryMentions: Int32Array.from(entryMentions),
    entryEvent: Uint8Array.from(entryEvent),
    exEvent: Uint8Array.from(exEvent),
    pinStart: Int32Array.from(pinStart),
    pass: new Uint8Array(excerpts),
    typeCount: new Int32Array(typeCode.size)
  };
}
