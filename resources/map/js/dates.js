// Days as ordinals (Python's date.toordinal(): 0001-01-01 is day 1, proleptic Gregorian)
// and dates in words, as mapper/time/display.py (describe_date) and
// mapper/export/common.py (range_text) write them. English only, no locale.

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July',
  'August', 'September', 'October', 'November', 'December'];
const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];  // date.weekday()
const DAYS_BEFORE_MONTH = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];
const ORDINAL_1970 = 719163;  // datetime.date(1970, 1, 1).toordinal()
const LAST_ORDINAL = 3652059;  // datetime.date.max.toordinal()
const PARTS_OF_DAY = { MO: 'morning', AF: 'afternoon', EV: 'evening', NI: 'night' };
const PARTS_OF_YEAR = {
  Q1: 'Q1 ', Q2: 'Q2 ', Q3: 'Q3 ', Q4: 'Q4 ', H1: 'first half of ', H2: 'second half of ',
  SP: 'spring ', SU: 'summer ', FA: 'autumn '
};
const REFERENCES = { PRESENT_REF: 'now', PAST_REF: 'the past', FUTURE_REF: 'the future' };

function isLeapYear(year) {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

function daysInMonth(year, month) {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// The ordinal of a day (null when there is no such day, or it is outside years 1–9999).
function ymdOrdinal(year, month, day) {
  if (!(year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
        day <= daysInMonth(year, month))) return null;
  const y = year - 1;
  return y * 365 + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) +
    DAYS_BEFORE_MONTH[month - 1] + (month > 2 && isLeapYear(year) ? 1 : 0) + day;
}

// 'YYYY-MM-DD' (an <input type="date"> value) as an ordinal, or null.
function dayOrdinal(text) {
  const m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(toText(text));
  return m ? ymdOrdinal(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

// An ordinal as [year, month, day], or null when it names no day.
function ordinalYmd(ordinal) {
  if (!Number.isInteger(ordinal) || ordinal < 1 || ordinal > LAST_ORDINAL) return null;
  const date = new Date((ordinal - ORDINAL_1970) * 86400000);
  return [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
}

// An ordinal as 'YYYY-MM-DD' ('' when it names no day).
function isoDay(ordinal) {
  const ymd = ordinalYmd(ordinal);
  if (!ymd) return '';
  const pad = function (n, width) { return String(n).padStart(width, '0'); };
  return pad(ymd[0], 4) + '-' + pad(ymd[1], 2) + '-' + pad(ymd[2], 2);
}

// "1 May 2019" for a day ordinal (as mapper.timeline.format_day writes it).
function dayText(ordinal) {
  const ymd = ordinalYmd(ordinal);
  return ymd ? ymd[2] + ' ' + MONTH_NAMES[ymd[1] - 1] + ' ' + ymd[0] : '';
}

// "Wed 1 May 2019" (describe_day).
function weekdayText(ordinal) {
  return WEEKDAY_NAMES[(ordinal + 6) % 7] + ' ' + dayText(ordinal);
}

// The ordinal of the Monday of ISO week `week` of `year`, or null when there is no such
// week (date.fromisocalendar).
function isoWeekMonday(year, week) {
  const jan4 = ymdOrdinal(year, 1, 4);
  if (jan4 === null) return null;
  const jan1Weekday = (jan4 - 3 + 6) % 7;
  const weeks = jan1Weekday === 3 || (jan1Weekday === 2 && isLeapYear(year)) ? 53 : 52;
  if (week < 1 || week > weeks) return null;
  return jan4 - (jan4 + 6) % 7 + (week - 1) * 7;
}

// A TIMEX3 date value in words, as describe_date writes it: "Wed 1 May 2019", "week 18,
// 2019", "Wed 1 May 2019" for "2019-W18-3", "May 2019", "Q2 2019", "summer 2019", "the
// 2010s", "now"; "" for no value; a value it cannot read (or naming no real day) as it is.
function describeDate(value) {
  value = toText(value).trim();
  if (!value) return '';
  let m = /^(\d{4})-(\d\d)-(\d\d)(?:T(.*))?$/.exec(value);
  if (m) {
    const ordinal = ymdOrdinal(Number(m[1]), Number(m[2]), Number(m[3]));
    if (ordinal === null) return value;
    const text = weekdayText(ordinal);
    const time = m[4] || '';
    if (Object.prototype.hasOwnProperty.call(PARTS_OF_DAY, time)) {
      return text + ', ' + PARTS_OF_DAY[time];
    }
    const clock = /^(\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?$/.exec(time);
    return clock ? text + ', ' + clock[1] + ':' + clock[2] : text;
  }
  m = /^(\d{4})-W(\d\d)(?:-(WE|[1-7]))?$/.exec(value);
  if (m) {
    const year = Number(m[1]);
    const week = Number(m[2]);
    const monday = isoWeekMonday(year, week);
    if (monday === null) return value;
    if (m[3] === 'WE') return 'weekend of week ' + week + ', ' + year;
    if (m[3]) return weekdayText(monday + Number(m[3]) - 1);
    return 'week ' + week + ', ' + year;
  }
  m = /^(\d{4})-(\d\d)$/.exec(value);
  if (m) {
    const month = Number(m[2]);
    return month >= 1 && month <= 12 ? MONTH_NAMES[month - 1] + ' ' + m[1] : value;
  }
  m = /^(\d{4})-(Q[1-4]|H[12]|SP|SU|FA|WI)$/.exec(value);
  if (m) {
    const year = Number(m[1]);
    if (m[2] === 'WI') {
      return 'winter ' + year + '\u2013' + String((year + 1) % 100).padStart(2, '0');
    }
    return PARTS_OF_YEAR[m[2]] + year;
  }
  if (/^\d{4}$/.test(value)) return value;
  m = /^(\d{3})X?$/.exec(value);
  if (m) return 'the ' + m[1] + '0s';
  m = /^(\d\d)(?:XX)?$/.exec(value);
  if (m) return 'the ' + m[1] + '00s';
  return Object.prototype.hasOwnProperty.call(REFERENCES, value) ? REFERENCES[value] : value;
}

// A range of day ordinals in words, as range_text writes it: "30 April – 2 May 2019",
// "1–2 May 2019", "2 May 2019", "from 1 May 2019", "until 2 May 2019"; "" when open.
function rangeWords(first, last) {
  const a = first === null ? null : ordinalYmd(first);
  const b = last === null ? null : ordinalYmd(last);
  if (!a && !b) return '';
  if (!b) return 'from ' + dayText(first);
  if (!a) return 'until ' + dayText(last);
  if (first >= last) {
    return first === last ? dayText(first) : dayText(first) + ' \u2013 ' + dayText(last);
  }
  if (a[0] === b[0] && a[1] === b[1]) return a[2] + '\u2013' + dayText(last);
  if (a[0] === b[0]) return a[2] + ' ' + MONTH_NAMES[a[1] - 1] + ' \u2013 ' + dayText(last);
  return dayText(first) + ' \u2013 ' + dayText(last);
}
