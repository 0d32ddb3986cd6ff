// The date control of a standalone HTML map (config.dateControl; never in the window's
// page or a report): "From" and "Until" day fields and "Undated", bottom left. A change
// narrows the pins with setFilter, keeping the export's other facets (actors, event
// types, articles), and the header's days follow.

let dateFields = null;  // { from, until, undated } inputs, once the control is added

const DateControl = L.Control.extend({
  options: { position: 'bottomleft' },

  onAdd: function () {
    const root = el('div', 'dl-datefilter leaflet-control');
    root.setAttribute('role', 'group');
    root.setAttribute('aria-label', 'Dates shown');
    const field = function (label, className, type) {
      const wrap = el('label', 'dl-datefilter-field');
      const input = el('input', className);
      input.type = type;
      if (type === 'checkbox') {
        wrap.appendChild(input);
        wrap.appendChild(el('span', 'dl-datefilter-label', label));
      } else {
        wrap.appendChild(el('span', 'dl-datefilter-label', label));
        wrap.appendChild(input);
      }
      ['change', 'input'].forEach(function (type_) {
        input.addEventListener(type_, onDatesChosen);
      });
      root.appendChild(wrap);
      return input;
    };
    dateFields = {
      from: field('From', 'dl-date-from', 'date'),
      until: field('Until', 'dl-date-until', 'date'),
      undated: field('Undated', 'dl-date-undated', 'checkbox')
    };
    dateFields.undated.title = 'Show excerpts with no known date';
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    return root;
  }
});

// [first, last] day ordinals the pins' dated excerpts cover, or null when none is dated.
function datedSpan() {
  const d = state.data;
  if (!d) return null;
  let lo = 0;
  let hi = 0;
  for (let e = 0; e < d.excerpts; e++) {
    const first = d.exFirstDay[e];
    if (!Number.isInteger(first) || first <= 0) continue;
    const last = Number.isInteger(d.exLastDay[e]) ? Math.max(first, d.exLastDay[e]) : first;
    if (!lo || first < lo) lo = first;
    if (last > hi) hi = last;
  }
  return lo ? [lo, hi] : null;
}

// Add the control (when the pins have dates), showing the filter's range or, where it
// leaves an end open, the span of the data.
function addDateControl() {
  const span = datedSpan();
  if (!span || !state.map) return;
  new DateControl().addTo(state.map);
  const f = state.filter;
  const fields = dateFields;
  fields.from.min = fields.until.min = isoDay(span[0]);
  fields.from.max = fields.until.max = isoDay(span[1]);
  fields.from.value = isoDay(f.firstDay !== null && f.firstDay > span[0] ? f.firstDay : span[0]);
  fields.until.value = isoDay(f.lastDay !== null && f.lastDay < span[1] ? f.lastDay : span[1]);
  fields.undated.checked = f.undated || !hasDates(f);
}

function onDatesChosen(event) {
  const fields = dateFields;
  const span = datedSpan();
  if (!fields || !span) return;
  if (fields.from.validity.badInput || fields.until.validity.badInput) return;  // half typed
  let first = dayOrdinal(fields.from.value);  // an empty field: that end is open
  let last = dayOrdinal(fields.until.value);
  if (first !== null && last !== null && last < first) {
    // One end typed past the other: the other follows it.
    if (event && event.target === fields.until) {
      first = last;
      fields.from.value = fields.until.value;
    } else {
      last = first;
      fields.until.value = fields.from.value;
    }
  }
  const undated = fields.undated.checked;
  // Every dated excerpt in range: no range at all (or "dated only", 1 = DAY_ONE).
  if ((first === null || first <= span[0]) && (last === null || last >= span[1])) {
    first = undated ? null : 1;
    last = null;
  }
  const f = state.filter;
  setFilter({
    actors: f.actors, eventTypes: f.eventTypes, articles: f.articles,
    firstDay: first, lastDay: last, undated: undated
  });
  showFrameDates();
}

// The header's days (mapper.export.common.shown_range_text): the filter's ends where set,
// else the span of the passing excerpts' dates.
function showFrameDates() {
  const line = document.querySelector('.dl-frame-dates');
  const d = state.data;
  if (!line || !d) return;
  let first = state.filter.firstDay !== null && state.filter.firstDay > 1
    ? state.filter.firstDay : null;
  let last = state.filter.lastDay;
  let lo = 0;
  let hi = 0;
  for (let e = 0; e < d.excerpts; e++) {
    const day = d.exFirstDay[e];
    if (!d.pass[e] || !Number.isInteger(day) || day <= 0) continue;
    if (!lo || day < lo) lo = day;
    hi = Math.max(hi, Number.isInteger(d.exLastDay[e]) ? d.exLastDay[e] : day);
  }
  if (first === null && lo) first = lo;
  if (last === null && hi) last = hi;
  line.textContent = rangeWords(first, last);
}
