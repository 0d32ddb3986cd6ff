// The filter (Dateline.setFilter): which excerpts pass, and what that leaves of each
// pin (shown, mentions, dominant event type, passing excerpts placing an event there).

function readFilter(filter) {
  if (typeof filter === 'string') filter = JSON.parse(filter);
  if (filter === null || filter === undefined) filter = {};
  if (typeof filter !== 'object' || Array.isArray(filter)) {
    throw new TypeError('Dateline.setFilter: a filter is an object');
  }
  const out = {};
  FACETS.forEach(function (facet) {
    const value = filter[facet];
    if (value === null || value === undefined) {
      out[facet] = null;
    } else if (Array.isArray(value)) {
      out[facet] = Array.from(new Set(value.map(toText))).sort();
    } else {
      throw new TypeError('Dateline.setFilter: ' + facet + ' is a list or null');
    }
  });
  // The range of days (ordinals, either end open) and whether undated excerpts pass.
  ['firstDay', 'lastDay'].forEach(function (end) {
    const value = filter[end];
    if (value === null || value === undefined) {
      out[end] = null;
    } else if (Number.isInteger(value)) {
      out[end] = value;
    } else {
      throw new TypeError('Dateline.setFilter: ' + end + ' is a whole number or null');
    }
  });
  out.undated = filter.undated !== false;
  // Whether an excerpt counts for a pin only when an event of it happened there.
  out.eventPlacesOnly = filter.eventPlacesOnly === true;
  // The search: what the user typed (shown, never matched here) and the ids of the
  // excerpts it matched (mapper.search: Python searches, the page only looks ids up).
  out.search = typeof filter.search === 'string' ? filter.search : '';
  const matched = filter.excerpts;
  if (matched === null || matched === undefined) {
    out.excerpts = null;
  } else if (Array.isArray(matched)) {
    out.excerpts = Array.from(new Set(matched.map(toText))).sort();
  } else {
    throw new TypeError('Dateline.setFilter: excerpts is a list or null');
  }
  return out;
}

function hasDates(filter) {
  return filter.firstDay !== null || filter.lastDay !== null;
}

function isOpen(filter) {
  return filter.actors === null && filter.eventTypes === null && filter.articles === null &&
    !hasDates(filter) && !filter.eventPlacesOnly && filter.excerpts === null;
}

// Whether the pin's entry j (a passing excerpt) counts for the pin under the filter.
function entryCounts(d, j) {
  return d.pass[d.entryExcerpt[j]] === 1 && (!state.filter.eventPlacesOnly || d.entryEvent[j] === 1);
}

// One flag per code: which actors / types / articles the facet accepts (null = open).
function accepted(values, table, size) {
  if (values === null) return null;
  const flags = new Uint8Array(size);
  values.forEach(function (value) {
    const c = table.get(value);
    if (c !== undefined) flags[c] = 1;
  });
  return flags;
}

// Work out, for the current filter, which excerpts pass and each pin's passing
// mentions, passing excerpts and dominant event type (the type found in most passing
// excerpts, counting only the selected types when the event-type facet is set;
// ties go to the earlier type of the taxonomy; -1 when they have no type), and how many
// of those passing excerpts place an event at the pin (eventPassing: solid or hollow).
// With eventPlacesOnly an excerpt passes only when it places an event somewhere, and
// counts for a pin only when it places one there (mapper.atlas.Atlas.passes).
function applyFilter() {
  const d = state.data;
  const filter = state.filter;
  const open = isOpen(filter);
  const pass = d.pass;
  const actorOk = accepted(filter.actors, d.actorCode, d.actorCode.size);
  const typeOk = accepted(filter.eventTypes, d.typeCode, d.types);
  const noEventOk = filter.eventTypes !== null && filter.eventTypes.indexOf(NO_EVENT) >= 0;
  const articleOk = accepted(filter.articles, d.articleCode, d.articleCode.size);
  const excerptOk = accepted(filter.excerpts, d.excerptCode, d.excerpts);
  const dated = hasDates(filter);
  const fromDay = filter.firstDay;
  const toDay = filter.lastDay;
  const undatedOk = filter.undated ? 1 : 0;
  const eventOnly = filter.eventPlacesOnly;
  let e, k, t, passing = 0;
  for (e = 0; e < d.excerpts; e++) {
    let ok = 1;
    if (articleOk !== null && !articleOk[d.exArticle[e]]) ok = 0;
    if (ok && excerptOk !== null && !excerptOk[e]) ok = 0;
    if (ok && eventOnly && !d.exEvent[e]) ok = 0;
    if (ok && dated) {
      const first = d.exFirstDay[e];
      if (first === 0) {
        ok = undatedOk;
      } else if ((fromDay !== null && d.exLastDay[e] < fromDay) ||
                 (toDay !== null && first > toDay)) {
        ok = 0;
      }
    }
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
  const counts = d.typeCount;
  let shown = 0;
  state.pins.forEach(function (pin, p) {
    let mentions = 0;
    let excerpts = 0;
    let events = 0;
    counts.fill(0);
    for (let j = d.pinStart[p]; j < d.pinStart[p + 1]; j++) {
      e = d.entryExcerpt[j];
      if (!pass[e]) continue;
      if (eventOnly && !d.entryEvent[j]) continue;
      mentions += d.entryMentions[j];
      excerpts += 1;
      events += d.entryEvent[j];
      for (k = d.exTypes[e]; k < d.exTypes[e + 1]; k++) {
        t = d.typeCodes[k];
        if (typeOk === null || typeOk[t]) counts[t] += 1;
      }
    }
    let best = -1;
    for (t = 0; t < counts.length; t++) {
      if (counts[t] > 0 && (best < 0 || counts[t] > counts[best])) best = t;
    }
    // With nothing filtered every pin shows, with the payload's own count (which
    // includes any excerpts the payload left out).
    pin.shown = open || excerpts > 0;
    pin.mentions = open ? pin.count : mentions;
    pin.passing = excerpts;
    pin.eventPassing = events;
    pin.dominant = best;
    if (pin.shown) shown += 1;
  });
  return { pins: shown, excerpts: passing };
}
