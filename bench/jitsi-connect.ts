/**
 * Time from connect to session-accept against the testbed (real Prosody + test focus + test bridge, FakeMediaPort).
 * Usage: npx tsx --conditions=@stagecast/source bench/jitsi-connect.ts [runs=10]. Prints each run and the median.
 */
import { createParticipant } from '@stagecast/jitsi';
import { ConfigJsServer, FakeMediaPort, startProsody, subscribeToEvents, TestBridge, TestFocus, testbedConfigJs } from '@stagecast/jitsi/testing';

const runs = Number(process.argv[2] ?? 10);
const tb = await startProsody();
const bridge = await TestBridge.start();
const focus = await TestFocus.start({ websocketUrl: tb.websocketUrl, domain: tb.domain, focusPassword: tb.focusPassword, bridge, minParticipants: 1 });
const config = await ConfigJsServer.start(testbedConfigJs(tb));
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const p = await createParticipant({ meetingUrl: `${config.origin}/bench-${process.pid}-${i}`, media: new FakeMediaPort() });
  await subscribeToEvents(p, ['sessionStarted']).waitFor('sessionStarted', { timeoutMs: 30_000 });
  const ms = performance.now() - t0;
  times.push(ms);
  console.log(`run ${i + 1}: ${ms.toFixed(1)} ms`);
  await p.close();
}
times.sort((a, b) => a - b);
console.log(`connect → session-accept acknowledged: median ${(times[Math.floor(times.length / 2)] ?? NaN).toFixed(1)} ms over ${runs} runs (min ${times[0]?.toFixed(1)}, max ${times.at(-1)?.toFixed(1)})`);
await focus.close();
await bridge.close();
await config.close();
