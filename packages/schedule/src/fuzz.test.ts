/**
 * Property test: random mutations of the fixture documents either parse into a schema-valid model or throw a
 * ScheduleParseError with located, non-empty issues — never any other exception. Seeded, so failures reproduce.
 */
import { describe, expect, it } from 'vitest';
import { parseSchedule, ScheduleParseError, scheduleSchema } from './index.js';
import { readScheduleFixture, SCHEDULE_FIXTURES } from './testing/index.js';

function prng(seed: number): () => number {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK = [
  '<',
  '>',
  '&',
  '"',
  "'",
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '\\',
  '\n',
  '\u0000',
  '\uFFFF',
  '🦜',
  'ß',
  '-',
  '+',
  '9',
  ' ',
];
const VALUES: unknown[] = [
  null,
  0,
  -1,
  1e308,
  'x',
  '',
  '25:99',
  '2025-02-30T10:00:00+02:00',
  true,
  [],
  {},
  [[[]]],
  { name: 5 },
];

type Mutation = (text: string, r: () => number) => string;
const pick = <T>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)]!;
const pos = (text: string, r: () => number): number => Math.floor(r() * (text.length + 1));

const textMutations: Mutation[] = [
  (t, r) => {
    const a = pos(t, r);
    return t.slice(0, a) + t.slice(a + 1 + Math.floor(r() * 40));
  },
  (t, r) => {
    const a = pos(t, r);
    return t.slice(0, a) + Array.from({ length: 1 + Math.floor(r() * 4) }, () => pick(JUNK, r)).join('') + t.slice(a);
  },
  (t, r) => t.slice(0, pos(t, r)),
  (t, r) => {
    const a = pos(t, r);
    const len = Math.floor(r() * 300);
    return t.slice(0, a) + t.slice(a, a + len) + t.slice(a);
  },
  (t, r) => {
    const lines = t.split('\n');
    const i = Math.floor(r() * lines.length);
    const j = Math.floor(r() * lines.length);
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    return lines.join('\n');
  },
  // Replace the text content of a random XML element, or a random JSON string value.
  (t, r) => {
    const matches = [...t.matchAll(/>([^<>\n]+)</g), ...t.matchAll(/: "([^"\n]*)"/g)];
    if (matches.length === 0) return t;
    const m = pick(matches, r);
    const start = m.index + m[0].indexOf(m[1]!);
    const replacement = pick(
      ['', ' ', '25:99', 'not a date', '-05:00', 'true', '2025-10-26T02:30:00', '&amp;', '🦜'],
      r,
    );
    return t.slice(0, start) + replacement + t.slice(start + m[1]!.length);
  },
];

/** Structural JSON mutation: set or delete a random node. */
function mutateJson(text: string, r: () => number): string {
  const root = JSON.parse(text) as unknown;
  const containers: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => {
        containers.push({ parent: v, key: i });
        walk(x);
      });
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        containers.push({ parent: v as Record<string, unknown>, key: k });
        walk(x);
      }
    }
  };
  walk(root);
  for (let n = 0; n < 1 + Math.floor(r() * 3); n++) {
    const { parent, key } = pick(containers, r);
    if (r() < 0.25 && !Array.isArray(parent)) delete parent[key as string];
    else (parent as Record<string | number, unknown>)[key] = structuredClone(pick(VALUES, r));
  }
  return JSON.stringify(root, null, 1);
}

function check(doc: string, label: string): 'ok' | 'error' {
  let result: unknown;
  try {
    result = parseSchedule(doc, { maxIssues: 20 });
  } catch (err: unknown) {
    if (!(err instanceof ScheduleParseError)) {
      throw new Error(`${label}: unexpected ${String(err)}\n--- document ---\n${doc.slice(0, 2000)}`, { cause: err });
    }
    const lineCount = doc.split('\n').length;
    expect(err.issues.length).toBeGreaterThan(0);
    for (const issue of err.issues) {
      expect(issue.message.length, label).toBeGreaterThan(10);
      if (issue.line !== undefined) expect(issue.line, label).toBeLessThanOrEqual(lineCount);
    }
    return 'error';
  }
  expect(scheduleSchema.safeParse(result).success, label).toBe(true);
  return 'ok';
}

describe('fuzz: mutated fixtures give a model or a ScheduleParseError', () => {
  it.each(SCHEDULE_FIXTURES)('%s', (name) => {
    const original = readScheduleFixture(name);
    const seed = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 17);
    const r = prng(seed);
    const outcomes = { ok: 0, error: 0 };
    for (let i = 0; i < 300; i++) {
      let doc = original;
      const rounds = 1 + Math.floor(r() * 3);
      for (let k = 0; k < rounds; k++) {
        doc =
          name.endsWith('.json') && r() < 0.5
            ? mutateJson(safeJson(doc) ?? original, r)
            : pick(textMutations, r)(doc, r);
      }
      outcomes[check(doc, `${name} seed ${seed} iteration ${i}`)] += 1;
    }
    // Both outcomes must occur, or the mutations are not exercising the parser.
    expect(outcomes.ok).toBeGreaterThan(10);
    expect(outcomes.error).toBeGreaterThan(10);
  });
});

function safeJson(text: string): string | null {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return null;
  }
}
