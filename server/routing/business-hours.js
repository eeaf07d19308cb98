// Business hours: ISO weekdays (1 = Monday … 7 = Sunday) and an open–close time of day
// in the site's own time zone, so a server in another zone answers correctly. Outside
// them a hand-off becomes leave-a-message. `null` hours mean always open.

const WEEKDAY_NUMBERS = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const formatters = new Map();

function localTime(timeZone, date) {
  if (!formatters.has(timeZone)) {
    formatters.set(timeZone, new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }));
  }
  const parts = Object.fromEntries(formatters.get(timeZone).formatToParts(date).map((part) => [part.type, part.value]));
  return { weekday: WEEKDAY_NUMBERS[parts.weekday], minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

function minutesOf(clock) {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours * 60 + minutes;
}

/** True when agents answer at `now` (ms since the epoch). */
export function isWithinBusinessHours(hours, now) {
  if (!hours) return true;
  const { weekday, minutes } = localTime(hours.timeZone, new Date(now));
  return hours.days.includes(weekday) && minutes >= minutesOf(hours.open) && minutes < minutesOf(hours.close);
}

const DAY_NAMES = {
  'zh-CN': ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'],
  'zh-TW': ['', '週一', '週二', '週三', '週四', '週五', '週六', '週日'],
  en: ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'],
};

/** "周一至周五 09:00–18:00" for the visitor's `offline` event, in their locale. */
export function describeBusinessHours(hours, locale = 'en') {
  if (!hours) return '';
  const names = DAY_NAMES[locale] ?? DAY_NAMES.en;
  const days = [...hours.days].sort((a, b) => a - b);
  const contiguous = days.every((day, i) => i === 0 || day === days[i - 1] + 1);
  const to = locale.startsWith('zh') ? '至' : '–';
  const dayText = contiguous && days.length > 2 ? `${names[days[0]]}${to}${names[days.at(-1)]}` : days.map((day) => names[day]).join(locale.startsWith('zh') ? '、' : ', ');
  return `${dayText} ${hours.open}–${hours.close} (${hours.timeZone})`;
}
