import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { EngineEventRelay } from './metrics.js';

describe('EngineEventRelay', () => {
  it('delivers events of the current engine and moves listeners to a restarted one', () => {
    const first = new EventEmitter();
    const second = new EventEmitter();
    const relay = new EngineEventRelay(first);
    const got: unknown[] = [];
    const l = (d: never) => void got.push(d);
    relay.on('stats', l);
    first.emit('stats', 1);
    relay.follow(second);
    first.emit('stats', 2); // the dead engine is no longer heard
    second.emit('stats', 3);
    relay.off('stats', l);
    second.emit('stats', 4);
    expect(got).toEqual([1, 3]);
    expect(first.listenerCount('stats') + second.listenerCount('stats')).toBe(0);
  });
});
