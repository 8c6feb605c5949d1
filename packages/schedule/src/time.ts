/**
 * Time arithmetic on the built-in Intl API (Node 20 ships full ICU; browsers too), so the package needs no tz
 * library and stays isomorphic. Instants are epoch milliseconds; wall times are plain field records.
 */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

export interface ParsedDateTime {
  wall: WallTime;
  /** Minutes east of UTC, or null when the string had no offset (a "naive" local time). */
  offsetMinutes: number | null;
}

const dateTimeRe =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;

/** Epoch ms of a wall time read as UTC (no Date.UTC two-digit-year quirk). */
export function wallToUtcMs(w: WallTime): number {
  const d = new Date(0);
  d.setUTCFullYear(w.year, w.month - 1, w.day);
  d.setUTCHours(w.hour, w.minute, w.second, w.millisecond);
  return d.getTime();
}

function isValidWall(w: WallTime): boolean {
  if (w.year < 1000 || w.month < 1 || w.month > 12 || w.day < 1 || w.hour > 23 || w.minute > 59 || w.second > 59)
    return false;
  const back = new Date(wallToUtcMs(w));
  return back.getUTCDate() === w.day && back.getUTCMonth() === w.month - 1;
}

/** ISO 8601 date-time with optional offset (`2025-06-12T10:30:00+02:00`, `…Z`, naive `2025-06-12T10:30`). */
export function parseDateTime(text: string): ParsedDateTime | null {
  const m = dateTimeRe.exec(text.trim());
  if (!m) return null;
  const num = (i: number): number => Number(m[i] ?? '0');
  const wall: WallTime = {
    year: num(1),
    month: num(2),
    day: num(3),
    hour: num(4),
    minute: num(5),
    second: num(6),
    millisecond: m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0,
  };
  if (!isValidWall(wall)) return null;
  let offsetMinutes: number | null = null;
  if (m[8]) offsetMinutes = 0;
  else if (m[9]) {
    const oh = num(10);
    const om = num(11);
    if (oh > 18 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  return { wall, offsetMinutes };
}

/** `YYYY-MM-DD` calendar date. */
export function parseDate(text: string): WallTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (!m) return null;
  const wall = { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: 0, minute: 0, second: 0, millisecond: 0 };
  return isValidWall(wall) ? wall : null;
}

/** `H:MM`, `HH:MM` or `HH:MM:SS` → seconds; hours may exceed 23 (a 25-hour hackathon slot). */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,3}):([0-5]\d)(?::([0-5]\d))?$/.exec(text.trim());
  if (!m) return null;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3] ?? '0');
}

/** `HH:MM` wall clock time → minutes since midnight. */
export function parseClock(text: string): number | null {
  const m = /^(\d{1,2}):([0-5]\d)(?::[0-5]\d)?$/.exec(text.trim());
  if (!m || Number(m[1]) > 23) return null;
  return Number(m[1]) * 60 + Number(m[2]);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

export function formatWall(w: WallTime): string {
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

export function toUtcIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/**
 * True for IANA zone names ICU knows (`Europe/Berlin`, `Pacific/Chatham`, `UTC`). Offset strings like `+01:00` are
 * rejected on purpose: they carry no DST rules, so they cannot be a conference time zone.
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    zoneFormatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Wall time of an instant in an IANA zone. */
export function wallTimeIn(epochMs: number, timeZone: string): WallTime {
  const parts = zoneFormatter(timeZone).formatToParts(new Date(epochMs));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
    millisecond: ((epochMs % 1000) + 1000) % 1000,
  };
}

/** UTC offset of a zone at an instant, in minutes (Chatham summer: 825). */
export function zoneOffsetMinutes(epochMs: number, timeZone: string): number {
  return Math.round((wallToUtcMs(wallTimeIn(epochMs, timeZone)) - epochMs) / 60_000);
}

export type LocalResolution = 'exact' | 'ambiguous' | 'nonexistent';

/**
 * Instant of a wall time in a zone, with Temporal's "compatible" disambiguation: a time repeated by a DST fall-back
 * resolves to the earlier instant; a time skipped by a spring-forward is shifted forward by the gap.
 */
export function wallToInstant(wall: WallTime, timeZone: string): { epochMs: number; resolution: LocalResolution } {
  const asUtc = wallToUtcMs(wall);
  const day = 86_400_000;
  const before = zoneOffsetMinutes(asUtc - day, timeZone);
  const candidates = [
    ...new Set([before, zoneOffsetMinutes(asUtc, timeZone), zoneOffsetMinutes(asUtc + day, timeZone)]),
  ]
    .map((off) => asUtc - off * 60_000)
    .filter((t) => formatWall(wallTimeIn(t, timeZone)) === formatWall(wall))
    .sort((a, b) => a - b);
  const first = candidates[0];
  if (first !== undefined) return { epochMs: first, resolution: candidates.length > 1 ? 'ambiguous' : 'exact' };
  // Skipped wall time: read it with the offset in force before the gap, which lands after the gap.
  return { epochMs: asUtc - before * 60_000, resolution: 'nonexistent' };
}

/** `YYYY-MM-DD HH:MM` (or with seconds) of an instant in a zone, for display. */
export function formatInZone(epochMs: number, timeZone: string, withSeconds = false): string {
  const w = wallTimeIn(epochMs, timeZone);
  const base = `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)}`;
  return withSeconds ? `${base}:${pad(w.second)}` : base;
}
