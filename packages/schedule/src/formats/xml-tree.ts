/**
 * A small element tree built with saxes, keeping each element's line/column and an XPath-like path, so field errors
 * can point at the exact line. Only elements, attributes and text matter for schedule documents.
 */
import { SaxesParser } from 'saxes';
import { ScheduleParseError } from '../errors.js';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text and CDATA directly inside this element. */
  text: string;
  line: number;
  column: number;
  /** `/schedule/day[1]/room[2]/event[3]` (1-based among same-named siblings, as in XPath). */
  path: string;
}

const MAX_DEPTH = 64;

export function parseXmlTree(text: string): XmlElement {
  const parser = new SaxesParser({ position: true });
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let tagLine = 1;
  let tagColumn = 1;

  parser.on('opentagstart', (tag) => {
    tagLine = parser.line;
    // The parser sits just after the tag name; the element starts at its '<'.
    tagColumn = Math.max(1, parser.column - tag.name.length);
  });
  parser.on('opentag', (tag) => {
    const parent = stack[stack.length - 1];
    const siblings = parent ? parent.children.filter((c) => c.name === tag.name).length : 0;
    const attrs: Record<string, string> = Object.create(null) as Record<string, string>;
    for (const [k, v] of Object.entries(tag.attributes)) attrs[k] = typeof v === 'string' ? v : v.value;
    const el: XmlElement = {
      name: tag.name,
      attrs,
      children: [],
      text: '',
      line: tagLine,
      column: tagColumn,
      path: `${parent ? parent.path : ''}/${tag.name}${parent ? `[${siblings + 1}]` : ''}`,
    };
    if (parent) parent.children.push(el);
    else root = el;
    if (stack.length >= MAX_DEPTH) parser.fail(`elements nested deeper than ${MAX_DEPTH} levels`);
    stack.push(el);
  });
  const addText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on('text', addText);
  parser.on('cdata', addText);
  parser.on('closetag', () => {
    stack.pop();
  });

  try {
    parser.write(text).close();
  } catch (err: unknown) {
    const raw = err instanceof Error ? err.message : String(err);
    const detail = raw.replace(/^\d+:\d+: /, '').replace(/\.+$/, '');
    const amp = bareAmpersandBefore(text, parser.line, parser.column);
    throw ScheduleParseError.single(
      amp
        ? {
            reason: 'malformed-xml',
            path: '',
            line: amp.line,
            column: amp.column,
            message:
              'the XML is not well-formed: a bare "&" starts an entity that never ends. Write it as &amp; and re-export.',
          }
        : {
            reason: 'malformed-xml',
            path: stack[stack.length - 1]?.path ?? '',
            line: parser.line,
            column: parser.column,
            message: `the XML is not well-formed: ${detail}. Fix the document at this position (check unclosed tags, unescaped "&" or "<" in text — write &amp; and &lt;) and re-export it.`,
          },
      undefined,
      err,
    );
  }
  if (!root) {
    throw ScheduleParseError.single({
      reason: 'malformed-xml',
      path: '',
      line: parser.line,
      message: 'the XML document has no root element; export the schedule.xml again.',
    });
  }
  return root;
}

/**
 * saxes reads everything after a bare "&" up to the next ";" as an entity name, so its error lands far away (often
 * at the end of the document). Point at the first bare ampersand before the failure instead, ignoring CDATA/comments.
 */
function bareAmpersandBefore(text: string, line: number, column: number): { line: number; column: number } | null {
  const masked = text.replace(/<!\[CDATA\[[\s\S]*?\]\]>|<!--[\s\S]*?-->/g, (m) => m.replace(/[^\n]/g, ' '));
  const re = /&(?!#\d+;|#x[0-9a-fA-F]+;|[A-Za-z_:][\w.:-]*;)/g;
  const m = re.exec(masked);
  if (!m) return null;
  const before = masked.slice(0, m.index);
  const ampLine = before.split('\n').length;
  const ampColumn = m.index - before.lastIndexOf('\n');
  if (ampLine > line || (ampLine === line && ampColumn > column)) return null;
  return { line: ampLine, column: ampColumn };
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
