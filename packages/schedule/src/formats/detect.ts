/**
 * Format detection by content (never by file name or media type): XML with a `<schedule>` root is frab/pretalx, or
 * wafer when `<generator name="wafer">`; JSON with `schedule.conference` is the C3VOC schedule.json.
 */
import { ScheduleParseError, type ScheduleFormat } from '../errors.js';
import { parseJsonTree, type JsonTree } from './json-tree.js';
import { child, parseXmlTree, type XmlElement } from './xml-tree.js';

export type DetectedDocument =
  { format: 'frab-xml' | 'wafer-xml'; xml: XmlElement } | { format: 'frab-json'; json: JsonTree };

export const DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

/** Decodes bytes as UTF-8 (BOM stripped) and enforces the size limit. */
export function decodeInput(input: string | Uint8Array, maxBytes: number = DEFAULT_MAX_BYTES): string {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > maxBytes) {
    throw ScheduleParseError.single({
      reason: 'input-too-large',
      path: '',
      message: `the document is ${size} bytes, more than the ${maxBytes}-byte limit; raise options.maxBytes if this is a real schedule.`,
    });
  }
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(input);
    } catch (err: unknown) {
      throw ScheduleParseError.single(
        {
          reason: 'invalid-encoding',
          path: '',
          message:
            'the document is not valid UTF-8; export it again as UTF-8 (schedule.xml and schedule.json always are).',
        },
        undefined,
        err,
      );
    }
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function unknownFormat(detail: string): ScheduleParseError {
  return ScheduleParseError.unknownFormat(
    `${detail}. Import a frab/pretalx schedule.xml or schedule.json, or a wafer pentabarf.xml ` +
      '(e.g. https://<host>/<event>/schedule/export/schedule.xml).',
  );
}

export function readDocument(text: string): DetectedDocument {
  const head = text.trimStart();
  if (head === '') throw unknownFormat('the document is empty');
  if (head.startsWith('<')) {
    const root = parseXmlTree(text);
    if (root.name !== 'schedule') {
      const hint = /^(icalendar|vcalendar)$/i.test(root.name) ? ' (xCal is not supported)' : '';
      throw unknownFormat(`the XML root element is <${root.name}>, not <schedule>${hint}`);
    }
    const generator = child(root, 'generator')?.attrs.name?.trim().toLowerCase();
    return { format: generator === 'wafer' ? 'wafer-xml' : 'frab-xml', xml: root };
  }
  if (head.startsWith('{') || head.startsWith('[')) {
    const json = parseJsonTree(text);
    const v = json.value;
    const schedule = isObject(v) ? v.schedule : undefined;
    if (!isObject(schedule) || !isObject(schedule.conference)) {
      throw unknownFormat('the JSON has no "schedule": { "conference": … } object');
    }
    return { format: 'frab-json', json };
  }
  if (/^BEGIN:VCALENDAR/i.test(head)) throw unknownFormat('this is iCalendar (.ics), which is not supported');
  throw unknownFormat('the document is neither XML nor JSON');
}

/** The format of a document (parses it, so malformed documents throw their ScheduleParseError). */
export function detectFormat(input: string | Uint8Array): ScheduleFormat {
  return readDocument(decodeInput(input)).format;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
