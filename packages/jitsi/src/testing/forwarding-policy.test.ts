import { describe, expect, it } from 'vitest';
import { applyReceiverConstraints, forwardedVideoSources, initialReceiverVideoState } from './forwarding-policy.js';

const all = ['a-v0', 'b-v0', 'b-v1', 'c-v0'];

describe('test bridge forwarding policy (JVB semantics, docs/jitsi-protocol.md §11)', () => {
  it('forwards nothing before the first ReceiverVideoConstraints; a first message without a default means 180p', () => {
    const start = initialReceiverVideoState();
    expect(forwardedVideoSources(start, all)).toEqual([]);
    const first = applyReceiverConstraints(start, { lastN: -1 });
    expect(first.defaultMaxHeight).toBe(180);
    expect(forwardedVideoSources(first, all)).toEqual(all);
  });

  it('keeps fields sticky: later messages change only what they carry', () => {
    let s = applyReceiverConstraints(initialReceiverVideoState(), {
      defaultConstraints: { maxHeight: 0 },
      constraints: { 'b-v0': { maxHeight: 720 } },
    });
    expect(forwardedVideoSources(s, all)).toEqual(['b-v0']);
    s = applyReceiverConstraints(s, { lastN: 5 });
    expect(s.defaultMaxHeight).toBe(0);
    expect(forwardedVideoSources(s, all)).toEqual(['b-v0']);
    s = applyReceiverConstraints(s, { defaultConstraints: { maxHeight: 180 } });
    expect(forwardedVideoSources(s, all)).toEqual(all);
  });

  it('drops sources whose own constraint is 0, and lastN keeps on-stage, then selected, then the rest', () => {
    const s = applyReceiverConstraints(initialReceiverVideoState(), {
      lastN: 2,
      onStageSources: ['c-v0'],
      selectedSources: ['b-v1'],
      defaultConstraints: { maxHeight: 180 },
      constraints: { 'a-v0': { maxHeight: 0 }, 'c-v0': { maxHeight: 720 }, 'b-v1': { maxHeight: -1 } },
    });
    expect(forwardedVideoSources(s, all)).toEqual(['c-v0', 'b-v1']);
    expect(forwardedVideoSources(applyReceiverConstraints(s, { lastN: -1 }), all)).toEqual(['c-v0', 'b-v1', 'b-v0']);
    expect(forwardedVideoSources(applyReceiverConstraints(s, { lastN: 0 }), all)).toEqual([]);
  });
});
