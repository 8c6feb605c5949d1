/**
 * A strict JSON parser (RFC 8259) that also records where every value starts, so validation errors found later can
 * name the line and column. JSON.parse cannot do that (its messages carry at best a character offset).
 */
import { ScheduleParseError } from '../errors.js';

export type JsonPath = readonly (string | number)[];
export interface Position {
  line: number;
  column: number;
}

export interface JsonTree {
  value: unknown;
  /** Start of the value at each path; see `positionOf`. */
  positions: Map<string, Position>;
}

const MAX_DEPTH = 256;
const pathKey = (path: JsonPath): string => JSON.stringify(path);

/** `schedule.conference.days[0].rooms["Main Hall"][1].duration` */
export function formatJsonPath(path: JsonPath): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(p)) out += out ? `.${p}` : p;
    else out += `[${JSON.stringify(p)}]`;
  }
  return out;
}

/** Position of a path, or of its closest ancestor that exists (a missing field points at its object). */
export function positionOf(tree: JsonTree, path: JsonPath): Position | undefined {
  for (let n = path.length; n >= 0; n--) {
    const pos = tree.positions.get(pathKey(path.slice(0, n)));
    if (pos) return pos;
  }
  return undefined;
}

class JsonSyntaxError extends Error {
  constructor(
    readonly index: number,
    readonly detail: string,
  ) {
    super(detail);
  }
}

export function parseJsonTree(text: string): JsonTree {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const posAt = (index: number): Position => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - lineStarts[lo]! + 1 };
  };

  const positions = new Map<string, Position>();
  let i = 0;
  const fail = (detail: string, at = i): never => {
    throw new JsonSyntaxError(at, detail);
  };
  const ws = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const describe = (at: number): string =>
    at >= text.length ? 'the end of the document' : `"${String.fromCodePoint(text.codePointAt(at)!)}"`;

  const parseString = (): string => {
    const start = i;
    i++; // opening quote
    let out = '';
    for (;;) {
      if (i >= text.length) fail('unterminated string (missing closing ")', start);
      const c = text[i]!;
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = {
          '"': '"',
          '\\': '\\',
          '/': '/',
          b: '\b',
          f: '\f',
          n: '\n',
          r: '\r',
          t: '\t',
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail(`invalid escape "\\${e ?? ''}" in string`);
      } else if (c.charCodeAt(0) < 0x20) {
        fail('raw control character (e.g. a line break) inside a string; escape it as \\n', i);
      } else {
        out += c;
        i++;
      }
    }
  };

  const parseValue = (path: (string | number)[], depth: number): unknown => {
    ws();
    if (depth > MAX_DEPTH) fail(`nesting deeper than ${MAX_DEPTH} levels`);
    positions.set(pathKey(path), posAt(i));
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${describe(i)}`);
        const key = parseString();
        ws();
        if (text[i] !== ':') fail(`expected ":" after property name "${key}", found ${describe(i)}`);
        i++;
        path.push(key);
        // defineProperty: a "__proto__" key must stay a plain member, never touch the prototype.
        Object.defineProperty(obj, key, {
          value: parseValue(path, depth + 1),
          enumerable: true,
          writable: true,
          configurable: true,
        });
        path.pop();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === '}') fail('trailing comma before "}" (JSON allows none); delete it');
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail(`expected "," or "}" after a property value, found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      const arr: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        path.push(arr.length);
        arr.push(parseValue(path, depth + 1));
        path.pop();
        ws();
        if (text[i] === ',') {
          i++;
          ws();
          if (text[i] === ']') fail('trailing comma before "]" (JSON allows none); delete it');
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail(`expected "," or "]" after an array element, found ${describe(i)}`);
      }
    }
    if (c === '"') return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal) {
      i += literal[0].length;
      const t = literal[0];
      return t === 'true' ? true : t === 'false' ? false : t === 'null' ? null : Number(t);
    }
    return fail(`expected a value, found ${describe(i)}`);
  };

  try {
    const value = parseValue([], 0);
    ws();
    if (i < text.length) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return { value, positions };
  } catch (err: unknown) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    const pos = posAt(Math.min(err.index, text.length));
    throw ScheduleParseError.single(
      {
        reason: 'malformed-json',
        path: '',
        line: pos.line,
        column: pos.column,
        message: `the JSON is not valid: ${err.detail}. Fix the document at this position and re-export it.`,
      },
      'frab-json',
    );
  }
}
