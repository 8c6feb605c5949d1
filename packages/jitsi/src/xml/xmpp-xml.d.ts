/**
 * Type declarations for `@xmpp/xml` 0.14 (ships no types). It re-exports ltx 3's Element/createElement and a streaming
 * Parser; only what this package uses is declared. Shared by the whole package: add members here, do not redeclare.
 */
declare module '@xmpp/xml' {
  import type { EventEmitter } from 'node:events';

  export type Node = Element | string;
  export type Attrs = Record<string, string>;

  export class Element {
    constructor(name: string, attrs?: Record<string, string> | string);
    name: string;
    parent: Element | null;
    children: Node[];
    attrs: Attrs;
    is(name: string, xmlns?: string): boolean;
    getName(): string;
    getNS(): string | undefined;
    getAttr(name: string, xmlns?: string): string | undefined;
    getChild(name: string, xmlns?: string): Element | undefined;
    getChildren(name: string, xmlns?: string): Element[];
    getChildElements(): Element[];
    getText(): string;
    getChildText(name: string, xmlns?: string): string | null;
    c(name: string, attrs?: Record<string, string>): Element;
    cnode<T extends Node>(child: T): T;
    append(...nodes: Node[]): void;
    t(text: string): Element;
    up(): Element;
    root(): Element;
    remove(el: Element | string, xmlns?: string): Element;
    text(val?: string): string;
    toString(): string;
  }

  export type XmlChild = Node | null | undefined | boolean | XmlChild[];

  /** JSX-style builder; attributes that are null/undefined are dropped, others stringified. */
  export function xml(
    name: string,
    attrs?: Record<string, string | number | boolean | null | undefined> | null,
    ...children: XmlChild[]
  ): Element;
  export function createElement(
    name: string,
    attrs?: Record<string, string | number | boolean | null | undefined> | null,
    ...children: XmlChild[]
  ): Element;
  export default xml;

  export class XMLError extends Error {}

  /** Streaming parser (stream semantics: `start` = root, `element` = each complete top-level child, `end`). */
  export class Parser extends EventEmitter {
    write(data: string): void;
    end(data?: string): void;
  }

  export function escapeXML(s: string): string;
  export function unescapeXML(s: string): string;
  export function escapeXMLText(s: string): string;
  export function unescapeXMLText(s: string): string;
}
