/**
 * Pure text of the countdown for one wall-clock second: the Pango markup of the main block (label, title, big
 * HH:MM:SS, speakers) and of the wall clock. The source pushes one such buffer per second, timestamped with the
 * running time at which that second starts, so the display changes on the frame that crosses the second.
 */
import type { CountdownStyle, CountdownTarget } from './countdown-style.js';
import { pctToPangoSize } from './countdown-style.js';

/** Remaining whole seconds shown during the wall second starting at `secondMs`: ceil, so 00:00:01 is the last. */
export function remainingSeconds(targetMs: number, secondMs: number): number {
  return Math.max(0, Math.ceil((targetMs - secondMs) / 1000));
}

/** HH:MM:SS with hours not wrapped at 24 (e.g. 49:05:00) and at least two digits per field. */
export function formatHms(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds) || totalSeconds < 0) {
    throw new RangeError(`formatHms: expected a non-negative number of seconds, got ${totalSeconds}`);
  }
  const s = Math.floor(totalSeconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

/**
 * Escape text for Pango markup (g_markup_escape_text rules) and drop characters Pango rejects: C0 controls other
 * than tab/newline, lone surrogates, U+FFFE/U+FFFF. Newlines become spaces: each field is one line of the layout.
 */
export function escapeMarkup(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp === 0x0a || cp === 0x0d || cp === 0x09) {
      out += ' ';
      continue;
    }
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff) {
      continue;
    }
    switch (ch) {
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      case '"':
        out += '&quot;';
        break;
      case "'":
        out += '&apos;';
        break;
      default:
        out += ch;
    }
  }
  return out;
}

/** Cut to `max` code points with an ellipsis (so the no-wrap layout keeps its geometry). */
export function truncate(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : chars.slice(0, Math.max(1, max - 1)).join('') + '…';
}

const clockFormatters = new Map<string, Intl.DateTimeFormat>();
/** Wall time HH:MM:SS (24 h) in `timeZone`. */
export function formatWallClock(epochMs: number, timeZone: string): string {
  let f = clockFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    clockFormatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(epochMs).map((p) => [p.type, p.value]));
  return `${parts.hour}:${parts.minute}:${parts.second}`;
}

export interface CountdownSecondText {
  /** Markup of the centred block. */
  main: string;
  /** Markup of the wall clock ('' when the style hides it). */
  clock: string;
  /** Plain digits or label shown in the big line, for logs and tests. */
  display: string;
}

function span(attrs: Record<string, string | number>, body: string): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => `${k}="${v}"`)
    .join(' ');
  return `<span ${a}>${body}</span>`;
}

/**
 * Markup for the wall second starting at `secondMs` (epoch ms, a multiple of 1000). The block always has the same
 * four lines (label, title, digits, speakers) with symmetric sizes around the digits, so the digits sit exactly at
 * the frame centre whatever the title: operators and OCR alike find them in the same place.
 */
export function countdownSecondText(
  target: CountdownTarget | null,
  secondMs: number,
  style: CountdownStyle,
): CountdownSecondText {
  const h = style.height;
  const labelSize = pctToPangoSize(style.labelSizePct, h);
  const titleSize = pctToPangoSize(style.titleSizePct, h);
  const digitsSize = pctToPangoSize(style.countdownSizePct, h);
  const nbsp = '\u00a0';
  const family = escapeMarkup(style.fontFamily);

  let display: string;
  let digits: string;
  let label: string;
  let title: string;
  let speakers: string;
  if (!target) {
    display = style.labels.noTalk;
    digits = span(
      { font_family: family, size: Math.round(digitsSize * 0.45), foreground: style.textColor },
      escapeMarkup(display) || nbsp,
    );
    label = nbsp;
    title = nbsp;
    speakers = nbsp;
  } else {
    const left = remainingSeconds(target.startsAt, secondMs);
    title = escapeMarkup(truncate(target.title, style.maxLineChars)) || nbsp;
    speakers = escapeMarkup(truncate(target.speakers.join(', '), style.maxLineChars)) || nbsp;
    label = escapeMarkup(style.labels.next) || nbsp;
    if (left > 0) {
      display = formatHms(left);
      digits = span(
        {
          font_family: escapeMarkup(style.digitsFontFamily),
          weight: 'bold',
          size: digitsSize,
          foreground: style.accentColor,
        },
        display,
      );
    } else {
      display = style.labels.startingNow;
      // Proportional face at a smaller size: "Starting now" must fit the width the digits use.
      digits = span(
        { font_family: family, weight: 'bold', size: Math.round(digitsSize * 0.7), foreground: style.accentColor },
        escapeMarkup(display) || nbsp,
      );
    }
  }
  // Symmetric line heights around the digits: [label|title] above, [speakers|spacer] below.
  const main = [
    span({ font_family: family, size: labelSize, foreground: style.mutedColor }, label),
    span({ font_family: family, weight: 'bold', size: titleSize, foreground: style.textColor }, title),
    digits,
    span({ font_family: family, size: titleSize, foreground: style.textColor }, speakers),
    span({ font_family: family, size: labelSize, foreground: style.mutedColor }, nbsp),
  ].join('\n');

  let clock = '';
  if (style.showClock) {
    const clockSize = pctToPangoSize(style.clockSizePct, h);
    const prefix = style.labels.clock ? `${escapeMarkup(style.labels.clock)} ` : '';
    clock = span(
      { font_family: escapeMarkup(style.digitsFontFamily), size: clockSize, foreground: style.textColor },
      prefix + formatWallClock(secondMs, style.timeZone),
    );
  }
  return { main, clock, display };
}
