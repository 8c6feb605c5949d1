/** Custom presence extensions: build (validation, replace by name + namespace, re-sent) and parse from the wire. */
import { xml } from '@xmpp/xml';
import { describe, expect, it } from 'vitest';
import { parseXml } from '../xml/parse.js';
import {
  buildPresence,
  MAX_PRESENCE_EXTENSION_BYTES,
  presenceExtensionElement,
  PresenceExtensionError,
  readPresenceExtension,
  readSourceInfo,
  withoutPresenceExtension,
  withPresenceExtension,
  type PresenceModel,
} from './presence.js';

const NS_PO = 'https://stagecast.dev/ns/playout';
const TO = 'room@conference.example.test/a1b2c3d4';
const base: PresenceModel = {
  nick: 'Playout',
  sourceInfo: { 'a1b2c3d4-v0': { muted: false } },
  codecList: ['vp8'],
  bot: true,
};

const playout = (state: string, talk = 'Rust & "XML" <3') =>
  presenceExtensionElement({
    name: 'stagecast-playout',
    xmlns: NS_PO,
    attrs: { state, talk, 'starts-at': '2026-11-21T14:00:00.000Z' },
  });

describe('presence extensions', () => {
  it('are appended to every presence after the standard children and survive serialisation', () => {
    const model: PresenceModel = { ...base, extensions: withPresenceExtension(undefined, playout('scheduled')) };
    const first = buildPresence(TO, model, { password: 'pw' });
    const again = buildPresence(TO, model);
    for (const p of [first, again]) {
      const names = p.getChildElements().map((c) => c.name);
      expect(names.at(-1)).toBe('stagecast-playout');
      expect(names).toContain('SourceInfo');
      // Over the wire (escaping of & " <) and back.
      const parsed = parseXml(p.toString());
      expect(readPresenceExtension(parsed, 'stagecast-playout', NS_PO)).toEqual({
        name: 'stagecast-playout',
        xmlns: NS_PO,
        attrs: { state: 'scheduled', talk: 'Rust & "XML" <3', 'starts-at': '2026-11-21T14:00:00.000Z' },
      });
      // The standard children are unaffected.
      expect(readSourceInfo(parsed)).toEqual({ 'a1b2c3d4-v0': { muted: false } });
    }
    // The model's element is not re-parented into the stanzas (each stanza gets a clone).
    expect(model.extensions![0]!.parent).toBeNull();
  });

  it('replace by name + namespace, keep others, and can be cleared', () => {
    const other = presenceExtensionElement({ name: 'stagecast-playout', xmlns: 'urn:example:other', text: 'x' });
    let list = withPresenceExtension(undefined, playout('scheduled'));
    list = withPresenceExtension(list, other);
    list = withPresenceExtension(list, playout('playing'));
    expect(list).toHaveLength(2);
    const p = parseXml(buildPresence(TO, { ...base, extensions: list }).toString());
    expect(readPresenceExtension(p, 'stagecast-playout', NS_PO)?.attrs?.state).toBe('playing');
    expect(readPresenceExtension(p, 'stagecast-playout', 'urn:example:other')).toEqual({
      name: 'stagecast-playout',
      xmlns: 'urn:example:other',
      attrs: {},
      text: 'x',
    });
    list = withoutPresenceExtension(list, 'stagecast-playout', NS_PO);
    const q = parseXml(buildPresence(TO, { ...base, extensions: list }).toString());
    expect(readPresenceExtension(q, 'stagecast-playout', NS_PO)).toBeUndefined();
    expect(readPresenceExtension(q, 'stagecast-playout', 'urn:example:other')).toBeDefined();
  });

  it('reads from an Occupant-like object and ignores the element in another namespace', () => {
    const presence = xml(
      'presence',
      { from: TO },
      xml('stagecast-playout', { xmlns: 'urn:not-ours', state: 'playing' }),
    );
    expect(readPresenceExtension({ presence }, 'stagecast-playout', NS_PO)).toBeUndefined();
    expect(readPresenceExtension({ presence }, 'stagecast-playout', 'urn:not-ours')?.attrs).toEqual({
      state: 'playing',
    });
  });

  it('accepts an element, and refuses reserved namespaces, bad names and oversized elements with a typed reason', () => {
    expect(presenceExtensionElement(xml('x-thing', { xmlns: 'urn:a', v: '1' })).toString()).toBe(
      '<x-thing xmlns="urn:a" v="1"/>',
    );
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(PresenceExtensionError);
        return (e as PresenceExtensionError).reason;
      }
      return 'no error';
    };
    expect(reason(() => presenceExtensionElement({ name: 'nick', xmlns: 'http://jabber.org/protocol/nick' }))).toBe(
      'reserved-namespace',
    );
    expect(reason(() => presenceExtensionElement({ name: 'SourceInfo', xmlns: 'jabber:client' }))).toBe(
      'reserved-namespace',
    );
    expect(reason(() => presenceExtensionElement(xml('SourceInfo', {}, '{}')))).toBe('invalid-name');
    expect(reason(() => presenceExtensionElement({ name: 'a b', xmlns: 'urn:a' }))).toBe('invalid-name');
    expect(reason(() => presenceExtensionElement({ name: 'p:x', xmlns: 'urn:a' }))).toBe('invalid-name');
    expect(
      reason(() =>
        presenceExtensionElement({ name: 'big', xmlns: 'urn:a', text: 'x'.repeat(MAX_PRESENCE_EXTENSION_BYTES) }),
      ),
    ).toBe('too-large');
  });
});
