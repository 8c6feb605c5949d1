/**
 * Entry point: bytes or text of a schedule document → validated `Schedule`, or a `ScheduleParseError` listing every
 * problem found (up to `maxIssues`). Nothing partial is returned.
 */
import { z } from 'zod';
import { IssueCollector, ScheduleParseError } from './errors.js';
import { buildSchedule } from './formats/build.js';
import { DEFAULT_MAX_BYTES, decodeInput, readDocument } from './formats/detect.js';
import { readScheduleJson } from './formats/frab-json.js';
import { readScheduleXml } from './formats/frab-xml.js';
import { readWaferXml } from './formats/wafer.js';
import type { Schedule } from './model.js';

export const parseScheduleOptionsSchema = z
  .object({
    /** Collect at most this many problems (the rest are counted in `omittedIssues`). */
    maxIssues: z.number().int().min(1).max(10_000).default(50),
    /** Refuse larger inputs (bytes for Uint8Array, UTF-16 units for strings). */
    maxBytes: z.number().int().positive().default(DEFAULT_MAX_BYTES),
    /** IANA zone used when the document has none (old wafer); the document's own zone always wins. */
    defaultTimeZone: z.string().min(1).optional(),
  })
  .strict();
export type ParseScheduleOptions = z.input<typeof parseScheduleOptionsSchema>;

export function parseSchedule(input: string | Uint8Array, options: ParseScheduleOptions = {}): Schedule {
  const parsedOptions = parseScheduleOptionsSchema.safeParse(options);
  if (!parsedOptions.success) {
    throw new TypeError(`parseSchedule: invalid options: ${z.prettifyError(parsedOptions.error)}`);
  }
  const opts = parsedOptions.data;
  const doc = readDocument(decodeInput(input, opts.maxBytes));
  const buildOptions = { maxIssues: opts.maxIssues, defaultTimeZone: opts.defaultTimeZone };
  if (doc.format === 'frab-json') {
    const issues = new IssueCollector(opts.maxIssues);
    const raw = readScheduleJson(doc.json, issues);
    if (!raw) {
      issues.throwIfAny('frab-json');
      throw ScheduleParseError.unknownFormat('the JSON document could not be read as a schedule');
    }
    return buildSchedule(raw, 'frab-json', buildOptions, issues);
  }
  const raw = doc.format === 'wafer-xml' ? readWaferXml(doc.xml) : readScheduleXml(doc.xml);
  return buildSchedule(raw, doc.format, buildOptions);
}
