import { afterAll, beforeAll, expect, it } from 'vitest';
import { createParticipant } from '../client.js';
import { ConferenceError } from '../errors.js';
import { FakeMediaPort } from '../testing/fake-media-port.js';
import { ConfigJsServer, startProsody, testbedConfigJs } from '../testing/testbed.js';

// The testbed's `absentfocus` component proxies to an account that never logs in, so it always answers
// `wait/service-unavailable` (focus not connected) — whatever foci other test runs have connected. The client
// retries that with backoff until its deadline.
let config: ConfigJsServer;
beforeAll(async () => {
  config = await ConfigJsServer.start(testbedConfigJs(await startProsody()));
});
afterAll(() => config?.close());

it('raises focus-timeout when focus never makes the conference ready', async () => {
  const err = await createParticipant({ meetingUrl: `${config.origin}/nofocus-${process.pid}`, media: new FakeMediaPort(), overrides: { focus: 'absentfocus.meet.stagecast.test' }, timeouts: { focusMs: 4000 } }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConferenceError);
  expect((err as ConferenceError).reason).toBe('focus-timeout');
  expect((err as ConferenceError).message).toMatch(/jicofo is running/);
});
