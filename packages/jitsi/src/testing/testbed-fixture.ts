/**
 * One testbed per test file: real Prosody (shared, started idempotently) + a test focus that claims this file's room
 * prefix (so concurrent test runs on one machine never answer each other's conference requests) + a test bridge +
 * a config.js server. `join()` creates participants with a FakeMediaPort and remembers them for `closeParticipants()`.
 */
import { randomBytes } from 'node:crypto';
import { createParticipant, prepareParticipant, type JitsiParticipant, type ParticipantOptions } from '../client.js';
import { FakeMediaPort } from './fake-media-port.js';
import { TestBridge, type TestBridgeOptions } from './test-bridge.js';
import { TestFocus, type TestFocusOptions } from './test-focus.js';
import { ConfigJsServer, startProsody, testbedConfigJs, type ProsodyTestbed } from './testbed.js';

export type JoinOptions = Omit<Partial<ParticipantOptions>, 'media'> & { media?: FakeMediaPort };

export interface TestbedFixture {
  tb: ProsodyTestbed;
  bridge: TestBridge;
  focus: TestFocus;
  config: ConfigJsServer;
  /** Room prefix claimed by this fixture's focus. */
  prefix: string;
  /** A fresh room name under the prefix. */
  room(): string;
  meetingUrl(room: string): string;
  join(room: string, extra?: JoinOptions): Promise<{ p: JitsiParticipant; media: FakeMediaPort }>;
  /** Like join() but returns before connecting: attach listeners, then `await p.join()`. */
  prepare(room: string, extra?: JoinOptions): Promise<{ p: JitsiParticipant; media: FakeMediaPort }>;
  closeParticipants(): Promise<void>;
  close(): Promise<void>;
}

export interface TestbedFixtureOptions {
  /** Short label for room names (lower case letters/digits). */
  label: string;
  focus?: Partial<Omit<TestFocusOptions, 'websocketUrl' | 'domain' | 'focusPassword' | 'bridge' | 'roomPrefix'>>;
  bridge?: TestBridgeOptions;
}

export async function startTestbedFixture(options: TestbedFixtureOptions): Promise<TestbedFixture> {
  const tb = await startProsody();
  const prefix = `${options.label}-${randomBytes(3).toString('hex')}-`;
  const bridge = await TestBridge.start(options.bridge);
  const focus = await TestFocus.start({
    websocketUrl: tb.websocketUrl,
    domain: tb.domain,
    focusPassword: tb.focusPassword,
    bridge,
    roomPrefix: prefix,
    ...options.focus,
  });
  const config = await ConfigJsServer.start(testbedConfigJs(tb));
  const open: JitsiParticipant[] = [];
  let n = 0;
  const fixture: TestbedFixture = {
    tb,
    bridge,
    focus,
    config,
    prefix,
    room: () => `${prefix}${n++}`,
    meetingUrl: (room) => `${config.origin}/${room}`,
    async join(room, extra = {}) {
      const media = extra.media ?? new FakeMediaPort();
      const p = await createParticipant({ meetingUrl: `${config.origin}/${room}`, displayName: 'Stage', ...extra, media });
      open.push(p);
      return { p, media };
    },
    async prepare(room, extra = {}) {
      const media = extra.media ?? new FakeMediaPort();
      const p = await prepareParticipant({ meetingUrl: `${config.origin}/${room}`, displayName: 'Stage', ...extra, media });
      open.push(p);
      return { p, media };
    },
    async closeParticipants() {
      await Promise.all(open.splice(0).map((p) => p.close()));
    },
    async close() {
      await fixture.closeParticipants();
      await focus.close();
      await bridge.close();
      await config.close();
    },
  };
  return fixture;
}
