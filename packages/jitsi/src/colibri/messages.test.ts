import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BridgeChannelError } from '../errors.js';
import {
  clientHello,
  e2ePingRequestId,
  e2ePingResponse,
  encodeBridgeMessage,
  endpointMessage,
  endpointStats,
  lastNChangedEvent,
  parseBridgeMessage,
  receiverVideoConstraints,
  sourceVideoTypeMessage,
  type BridgeMessage,
  type ClientBridgeMessage,
} from './messages.js';

const lines = readFileSync(
  fileURLToPath(new URL('../../test/fixtures/colibri/bridge-messages.jsonl', import.meta.url)),
  'utf8',
)
  .split('\n')
  .filter(Boolean);

describe('parseBridgeMessage (bridge → client catalogue)', () => {
  const parsed = lines.map(parseBridgeMessage);
  const byClass = (cls: BridgeMessage['colibriClass']) => parsed.filter((m) => m.colibriClass === cls);

  it('parses every fixture', () => {
    expect(parsed.map((m) => m.colibriClass)).toEqual([
      'ServerHello',
      'DominantSpeakerEndpointChangeEvent',
      'EndpointConnectivityStatusChangeEvent',
      'ForwardedSources',
      'SenderSourceConstraints',
      'VideoSourcesMap',
      'AudioSourcesMap',
      'ConnectionStats',
      'EndpointMessage',
      'EndpointStats',
      'Ignored',
      'Ignored',
    ]);
  });

  it('types the payloads', () => {
    const conn = byClass('EndpointConnectivityStatusChangeEvent')[0];
    // string boolean → boolean
    expect(conn).toMatchObject({ endpoint: '2c9e7f10', active: false });
    const ds = byClass('DominantSpeakerEndpointChangeEvent')[0];
    expect(ds).toMatchObject({
      dominantSpeakerEndpoint: '831de82b',
      previousSpeakers: ['2c9e7f10', '6b1d0e93'],
      silence: false,
    });
    const vmap = byClass('VideoSourcesMap')[0];
    if (vmap?.colibriClass !== 'VideoSourcesMap') throw new Error('no map');
    expect(vmap.mappedSources[1]).toMatchObject({ ssrc: 2000003, rtx: -1, videoType: 'DESKTOP', mid: 'v3' });
    expect(byClass('SenderSourceConstraints')[0]).toMatchObject({ sourceName: 'a1b2c3d4-v0', maxHeight: 180 });
    expect(byClass('Ignored')).toEqual([
      { colibriClass: 'Ignored', originalClass: 'SyntheticSourceSendingChangeEvent' },
      { colibriClass: 'Ignored', originalClass: 'SomeFutureEvent' },
    ]);
    const em = byClass('EndpointMessage')[0];
    expect(em && e2ePingRequestId(em)).toBe(17);
  });

  it('accepts real booleans for string-boolean fields and tolerates extra fields', () => {
    expect(
      parseBridgeMessage(
        '{"colibriClass":"EndpointConnectivityStatusChangeEvent","endpoint":"x","active":true,"new":1}',
      ),
    ).toMatchObject({ active: true });
  });

  it.each([
    ['not json', '{'],
    ['not an object', '[1,2]'],
    ['no class', '{"a":1}'],
    ['empty class', '{"colibriClass":""}'],
    ['wrong field type', '{"colibriClass":"ForwardedSources","forwardedSources":"x-v0"}'],
    ['missing field', '{"colibriClass":"SenderSourceConstraints","sourceName":"x"}'],
    ['bad string boolean', '{"colibriClass":"EndpointConnectivityStatusChangeEvent","endpoint":"x","active":"yes"}'],
    ['bad ssrc', '{"colibriClass":"AudioSourcesMap","mappedSources":[{"source":"a","owner":"b","ssrc":-5}]}'],
    [
      'bad videoType',
      '{"colibriClass":"VideoSourcesMap","mappedSources":[{"source":"a","owner":"b","ssrc":5,"videoType":"HOLOGRAM"}]}',
    ],
  ])('rejects %s with BridgeChannelError(malformed)', (_label, text) => {
    expect(() => parseBridgeMessage(text)).toThrow(BridgeChannelError);
    expect(() => parseBridgeMessage(text)).toThrow(expect.objectContaining({ reason: 'malformed' }));
  });

  it('rejects non-text frames', () => {
    expect(() => parseBridgeMessage(Buffer.from('{}'))).toThrow(expect.objectContaining({ reason: 'malformed' }));
  });
});

describe('client → bridge builders', () => {
  const cases: [ClientBridgeMessage, string][] = [
    [
      receiverVideoConstraints({
        lastN: -1,
        selectedSources: [],
        onStageSources: ['831de82b-v0'],
        defaultConstraints: { maxHeight: 720, maxFrameRate: 30 },
        constraints: { '831de82b-v0': { maxHeight: 1080 } },
      }),
      '{"colibriClass":"ReceiverVideoConstraints","lastN":-1,"selectedSources":[],"onStageSources":["831de82b-v0"],"defaultConstraints":{"maxHeight":720,"maxFrameRate":30},"constraints":{"831de82b-v0":{"maxHeight":1080}}}',
    ],
    [
      receiverVideoConstraints({ defaultConstraints: { maxHeight: 360 }, lastN: undefined }),
      '{"colibriClass":"ReceiverVideoConstraints","defaultConstraints":{"maxHeight":360}}',
    ],
    [lastNChangedEvent(5), '{"colibriClass":"LastNChangedEvent","lastN":5}'],
    [
      sourceVideoTypeMessage('a1b2c3d4-v0', 'camera'),
      '{"colibriClass":"SourceVideoTypeMessage","sourceName":"a1b2c3d4-v0","videoType":"camera"}',
    ],
    [
      sourceVideoTypeMessage('a1b2c3d4-v0', 'none'),
      '{"colibriClass":"SourceVideoTypeMessage","sourceName":"a1b2c3d4-v0","videoType":"none"}',
    ],
    [
      endpointMessage('', { type: 'hello' }),
      '{"colibriClass":"EndpointMessage","to":"","msgPayload":{"type":"hello"}}',
    ],
    [
      e2ePingResponse('831de82b', 17),
      '{"colibriClass":"EndpointMessage","to":"831de82b","msgPayload":{"type":"e2e-ping-response","id":17}}',
    ],
    [
      endpointStats({
        bitrate: { upload: 800, download: 1400 },
        packetLoss: { total: 0, upload: 0, download: 0 },
        connectionQuality: 100,
        jvbRTT: 20,
      }),
      '{"colibriClass":"EndpointStats","bitrate":{"upload":800,"download":1400},"packetLoss":{"total":0,"upload":0,"download":0},"connectionQuality":100,"jvbRTT":20}',
    ],
    [clientHello(), '{"colibriClass":"ClientHello"}'],
  ];
  it.each(cases)('encodes %j exactly', (msg, expected) => {
    expect(encodeBridgeMessage(msg)).toBe(expected);
  });

  it('refuses undocumented shapes', () => {
    const bad = { colibriClass: 'LastNChangedEvent', lastN: 5, extra: true } as unknown as ClientBridgeMessage;
    expect(() => encodeBridgeMessage(bad)).toThrow(BridgeChannelError);
    expect(() => encodeBridgeMessage(lastNChangedEvent(-7))).toThrow(/lastN/);
    expect(() => encodeBridgeMessage({ colibriClass: 'VideoTypeMessage' } as unknown as ClientBridgeMessage)).toThrow(
      BridgeChannelError,
    );
  });
});
