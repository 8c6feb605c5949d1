import { describe, expect, it } from 'vitest';
import { countdownBinDescription } from './countdown-source.js';
import { countdownStyleSchema, countdownTargetSchema, pctToPangoSize } from './countdown-style.js';
import {
  countdownSecondText,
  escapeMarkup,
  formatHms,
  formatWallClock,
  remainingSeconds,
  truncate,
} from './countdown-text.js';
import { expectedCountdown, parseHms } from './testing/frame-reader.js';

const style = countdownStyleSchema.parse({});
const T = Date.UTC(2026, 2, 29, 14, 0, 0); // 14:00:00 UTC
const target = countdownTargetSchema.parse({
  startsAt: T,
  title: 'Rust & <GStreamer>',
  speakers: ['Ada "A" Lovelace', "O'Neil"],
});

/** Text content of a markup string (tags removed, entities decoded), to check what Pango will draw. */
function visible(markup: string): string {
  return markup
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('formatHms', () => {
  it('pads fields and does not wrap hours at 24', () => {
    expect(formatHms(0)).toBe('00:00:00');
    expect(formatHms(59)).toBe('00:00:59');
    expect(formatHms(3600)).toBe('01:00:00');
    expect(formatHms(86_399)).toBe('23:59:59');
    expect(formatHms(86_400)).toBe('24:00:00');
    expect(formatHms(30 * 3600 + 5 * 60 + 7)).toBe('30:05:07');
    expect(formatHms(100 * 3600)).toBe('100:00:00');
  });
  it('rejects negative and non-finite input', () => {
    expect(() => formatHms(-1)).toThrow(RangeError);
    expect(() => formatHms(Number.NaN)).toThrow(/non-negative/);
  });
});

describe('remainingSeconds', () => {
  it('counts whole seconds up (ceil) so 00:00:01 is the last value before zero', () => {
    expect(remainingSeconds(T, T - 1000)).toBe(1);
    expect(remainingSeconds(T, T)).toBe(0);
    expect(remainingSeconds(T, T + 5000)).toBe(0);
    expect(remainingSeconds(T + 500, T)).toBe(1); // target off the second grid: shown until the next boundary
    expect(remainingSeconds(T, T - 3_600_000)).toBe(3600);
  });
  it('agrees with the independent expectation the OCR tests use', () => {
    for (const d of [0, 1, 59, 3600, 86_401]) {
      expect(remainingSeconds(T, T - d * 1000)).toBe(expectedCountdown(BigInt(T / 1000), BigInt(T / 1000 - d)));
    }
  });
});

describe('escapeMarkup', () => {
  it('escapes the five markup characters', () => {
    expect(escapeMarkup(`<b>&"'`)).toBe('&lt;b&gt;&amp;&quot;&apos;');
  });
  it('drops characters Pango rejects and flattens newlines', () => {
    expect(escapeMarkup('a\u0000b\u0007c\u0085d')).toBe('abcd');
    expect(escapeMarkup('line1\nline2\r\tx')).toBe('line1 line2  x');
    expect(escapeMarkup('x\ud800y')).toBe('xy'); // lone surrogate
  });
  it('keeps non-ASCII text', () => {
    expect(escapeMarkup('Grüße 🎤 日本')).toBe('Grüße 🎤 日本');
  });
});

describe('truncate', () => {
  it('cuts by code points with an ellipsis and collapses whitespace', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abcdefghijkl', 8)).toBe('abcdefg…');
    expect(truncate('🎤🎤🎤🎤', 3)).toBe('🎤🎤…');
    expect(truncate('  a \n b  ', 10)).toBe('a b');
  });
});

describe('formatWallClock', () => {
  it('formats HH:MM:SS in the given zone, 24 h', () => {
    expect(formatWallClock(T, 'UTC')).toBe('14:00:00');
    expect(formatWallClock(T + 1000, 'Europe/Berlin')).toBe('16:00:01'); // CEST after the 2026-03-29 change
    expect(formatWallClock(Date.UTC(2026, 0, 1, 0, 0, 0), 'UTC')).toBe('00:00:00');
    expect(formatWallClock(Date.UTC(2026, 0, 1, 0, 0, 0), 'Asia/Kathmandu')).toBe('05:45:00');
  });
});

describe('countdownSecondText', () => {
  it('shows HH:MM:SS to the target with the title and speakers escaped', () => {
    const t = countdownSecondText(target, T - 3_723_000, style);
    expect(t.display).toBe('01:02:03');
    expect(visible(t.main).split('\n')).toEqual([
      'Next',
      'Rust & <GStreamer>',
      '01:02:03',
      'Ada "A" Lovelace, O\'Neil',
      '\u00a0',
    ]);
    expect(t.main).not.toMatch(/<GStreamer>/);
    expect(t.main).toContain('Rust &amp; &lt;GStreamer&gt;');
    expect(visible(t.clock)).toBe('12:57:57');
  });
  it('switches to "Starting now" at zero and stays there', () => {
    expect(countdownSecondText(target, T - 1000, style).display).toBe('00:00:01');
    expect(countdownSecondText(target, T, style).display).toBe('Starting now');
    expect(countdownSecondText(target, T + 60_000, style).display).toBe('Starting now');
  });
  it('shows hours past 24 for far targets', () => {
    expect(countdownSecondText(target, T - (49 * 3600 + 1) * 1000, style).display).toBe('49:00:01');
  });
  it('uses the configured labels, colours, fonts and sizes', () => {
    const s = countdownStyleSchema.parse({
      accentColor: '#ff0000',
      fontFamily: 'DejaVu Serif',
      labels: { next: 'Nächster Vortrag', startingNow: 'Jetzt & gleich', noTalk: 'Pause', clock: 'Berlin' },
      timeZone: 'Europe/Berlin',
    });
    const t = countdownSecondText(target, T, s);
    expect(t.display).toBe('Jetzt & gleich');
    expect(t.main).toContain('Jetzt &amp; gleich');
    expect(t.main).toContain('foreground="#FF0000"');
    expect(t.main).toContain('font_family="DejaVu Serif"');
    expect(t.main).toContain(`size="${pctToPangoSize(s.titleSizePct, s.height)}"`);
    expect(visible(t.main).split('\n')[0]).toBe('Nächster Vortrag');
    expect(visible(t.clock)).toBe('Berlin 16:00:00');
    expect(countdownSecondText(null, T, s).display).toBe('Pause');
  });
  it('keeps the four-line layout for empty titles and truncates long ones', () => {
    const empty = countdownTargetSchema.parse({ startsAt: T });
    expect(visible(countdownSecondText(empty, T - 5000, style).main).split('\n')).toHaveLength(5);
    const long = countdownTargetSchema.parse({ startsAt: T, title: 'x'.repeat(300) });
    const line = visible(countdownSecondText(long, T - 5000, style).main).split('\n')[1]!;
    expect([...line]).toHaveLength(style.maxLineChars);
    expect(line.endsWith('…')).toBe(true);
  });
  it('omits the clock when hidden', () => {
    expect(countdownSecondText(target, T, countdownStyleSchema.parse({ showClock: false })).clock).toBe('');
  });
});

describe('style and target schemas', () => {
  it('fills defaults (1280x720@30, DejaVu fonts, UTC, beeps off)', () => {
    expect(style).toMatchObject({ width: 1280, height: 720, fps: 30, fontFamily: 'DejaVu Sans', timeZone: 'UTC' });
    expect(style.beeps.enabled).toBe(false);
    expect(style.labels.startingNow).toBe('Starting now');
  });
  it('rejects bad values with messages that say what to write', () => {
    const msg = (v: unknown) => {
      const r = countdownStyleSchema.safeParse(v);
      return r.success ? '' : r.error.message;
    };
    expect(msg({ background: 'red' })).toMatch(/#RRGGBB/);
    expect(msg({ timeZone: 'Mars/Olympus' })).toMatch(/IANA/);
    expect(msg({ fontFamily: 'Evil"/><span' })).toMatch(/plain name/);
    expect(msg({ logo: { path: 'logo.png' } })).toMatch(/absolute/);
    expect(msg({ width: 1281 })).not.toBe('');
    expect(msg({ unknownKey: 1 })).not.toBe('');
  });
  it('parses ISO instants with offsets to epoch ms and refuses naive ones', () => {
    expect(countdownTargetSchema.parse({ startsAt: '2026-03-29T16:00:00+02:00' }).startsAt).toBe(T);
    expect(countdownTargetSchema.safeParse({ startsAt: '2026-03-29T16:00:00' }).success).toBe(false);
  });
});

describe('countdownBinDescription', () => {
  it('feeds both textoverlays from pango-markup appsrcs and waits for text', () => {
    const d = countdownBinDescription(style);
    expect(d).toContain('video/x-raw,format=I420,width=1280,height=720,framerate=30/1');
    expect(d).toMatch(
      /appsrc name=main_text is-live=true format=time caps="text\/x-raw,format=\(string\)pango-markup" ! main\.text_sink/,
    );
    expect(d).toMatch(/appsrc name=clock_text .* ! clock\.text_sink/);
    expect(d.match(/wait-text=true/g)).toHaveLength(2);
    expect(d).not.toContain('audiotestsrc');
    expect(d).not.toContain('gdkpixbufoverlay');
  });
  it('adds beeps and omits the clock on request', () => {
    const d = countdownBinDescription(
      countdownStyleSchema.parse({ showClock: false, beeps: { enabled: true, frequencyHz: 1000 } }),
    );
    expect(d).not.toContain('clock_text');
    expect(d).toContain('audiotestsrc name=beep is-live=true wave=sine freq=1000');
    expect(d).toContain('volume name=beep_volume volume=0');
  });
});

describe('parseHms (OCR reader)', () => {
  it('reads HH:MM:SS and rejects junk', () => {
    expect(parseHms('00:01:02')).toBe(62);
    expect(parseHms('30:00:00')).toBe(108_000);
    expect(parseHms(' 12 : 37 : 30 ')).toBe(45_450);
    expect(parseHms('12373')).toBeNull();
    expect(parseHms('00:61:00')).toBeNull();
  });
});
