// Popups: the open one, and a pin's popup (built when opened) with its excerpts,
// highlights and tags. Article text goes in through textContent only.

// The popup open on the map, or null.
function shownPopup() {
  const popup = state.openPopup;
  return popup && state.map && state.map.hasLayer(popup) ? popup : null;
}

// The pin record of the open popup's marker, or null.
function openPopupPin() {
  const popup = shownPopup();
  const source = popup && popup._source;  // Leaflet 1.9: the layer the popup is bound to
  return source && source.dateline ? source.dateline : null;
}

// After a filter change, the open popup follows its pin: redrawn, or closed with it.
function refreshOpenPopup() {
  const popup = shownPopup();
  if (!popup) return;
  const pin = openPopupPin();
  if (pin && !pin.shown) state.map.closePopup();
  else popup.update();
}

function cleanHighlights(list, length) {
  const spans = [];
  list.forEach(function (pair) {
    if (!Array.isArray(pair) || pair.length < 2) return;
    const start = toInt(pair[0], -1);
    const end = Math.min(toInt(pair[1], -1), length);
    if (start >= 0 && end > start) spans.push([start, end]);
  });
  spans.sort(function (a, b) { return a[0] - b[0]; });
  const out = [];
  spans.forEach(function (span) {
    if (!out.length || span[0] >= out[out.length - 1][1]) out.push(span);
  });
  return out;
}

function excerptText(text, highlights) {
  const points = codePoints(text);
  const length = points ? points.length : text.length;
  const spans = cleanHighlights(highlights, length);
  let from = 0;
  let to = length;
  if (length > EXCERPT_DISPLAY_CHARS) {
    // Long sentence: show a window around the first mention, cut at spaces.
    const focus = spans.length ? spans[0][0] : 0;
    from = Math.max(0, Math.min(focus - 100, length - EXCERPT_DISPLAY_CHARS));
    to = Math.min(length, from + EXCERPT_DISPLAY_CHARS);
    if (from > 0) {
      const space = slice(text, points, from, focus).indexOf(' ');
      if (space >= 0 && space < 30) from += space + 1;
    }
    if (to < length) {
      const tail = slice(text, points, from, to).lastIndexOf(' ');
      if (tail > 0 && from + tail > (spans.length ? spans[0][1] : from)) to = from + tail;
    }
  }
  const p = el('p', 'dl-excerpt-text');
  if (from > 0) p.appendChild(document.createTextNode('\u2026 '));
  let pos = from;
  spans.forEach(function (span) {
    const start = Math.max(span[0], from);
    const end = Math.min(span[1], to);
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
  const d = state.data;
  if (!d || pin.index === undefined) return pin.excerpts;
  const start = d.pinStart[pin.index];
  return pin.excerpts.filter(function (ex, j) { return entryCounts(d, start + j); });
}

function excerptTags(excerpt) {
  const d = state.data;
  const tags = el('div', 'dl-excerpt-tags');
  excerpt.events.forEach(function (name) {
    const tag = el('span', 'dl-tag');
    const code = d ? d.typeCode.get(name) : undefined;
    const swatch = el('span', 'dl-swatch');
    if (d && d.colouring) {
      swatch.style.backgroundColor =
        code !== undefined && code < d.knownTypes ? d.typeColors[code] : d.noEventColor;
      tag.appendChild(swatch);
    }
    tag.appendChild(document.createTextNode(name));
    tags.appendChild(tag);
  });
  const names = state.actorNames || {};
  excerpt.actors.forEach(function (id) {
    const name = Object.prototype.hasOwnProperty.call(names, id) ? toText(names[id]) : '';
    tags.appendChild(el('span', 'dl-tag dl-tag-actor', name || id));
  });
  return tags.childNodes.length ? tags : null;
}

// An excerpt's date line: its date in words, "(article date)" when the sentence gave none.
function excerptDate(excerpt) {
  if (!excerpt.date) return null;
  const line = el('div', 'dl-excerpt-date', describeDate(excerpt.date));
  if (excerpt.dateFrom === 'article') {
    line.appendChild(el('span', 'dl-excerpt-date-note', ' (article date)'));
  }
  return line;
}

// "101 mentions in 93 excerpts" ("12 of 101 mentions in 10 excerpts" when filtered):
// the same words as the Excerpts panel's title (ui.panels.mentions_in_excerpts), since a
// sentence may name a place more than once.
function mentionsInExcerpts(pin, filtered) {
  const count = pin.mentions;
  const total = pin.excerpts.length + pin.more;  // the payload's excerpts, and those left out
  const excerpts = filtered ? pin.passing : total;
  let text = count + (count === 1 ? ' mention' : ' mentions');
  if (filtered && count !== pin.count) text = count + ' of ' + pin.count + ' mentions';
  return text + ' in ' + excerpts + (excerpts === 1 ? ' excerpt' : ' excerpts');
}

function buildPopup(pin) {
  const filtered = !isOpen(state.filter);
  const excerpts = passingExcerpts(pin);
  const root = el('div', 'dl-popup-body');
  root.appendChild(el('div', 'dl-popup-name', pin.name));
  const meta = [];
  if (pin.country && pin.country !== pin.name) meta.push(pin.country);
  if (pin.kind) meta.push(KIND_LABEL[pin.kind] || pin.kind);
  meta.push(mentionsInExcerpts(pin, filtered));
  const metaLine = el('div', 'dl-popup-meta', meta.join(' \u00b7 '));
  metaLine.title = 'A sentence may name a place more than once';
  root.appendChild(metaLine);
  const list = el('div', 'dl-excerpts');
  excerpts.slice(0, POPUP_EXCERPTS).forEach(function (excerpt) {
    const item = el('div', 'dl-excerpt');
    item.setAttribute('role', 'button');
    item.tabIndex = 0;
    const date = excerptDate(excerpt);
    if (date) item.appendChild(date);
    if (excerpt.title) item.appendChild(el('div', 'dl-excerpt-title', excerpt.title));
    item.appendChild(excerptText(excerpt.text, excerpt.highlights));
    const tags = excerptTags(excerpt);
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
  const more = Math.max(0, excerpts.length - POPUP_EXCERPTS) + (filtered ? 0 : pin.more);
  if (more > 0) {
    root.appendChild(el('div', 'dl-more',
      '+ ' + more + ' more excerpt' + (more === 1 ? '' : 's')));
  }
  return root;
}
