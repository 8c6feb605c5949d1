/**
 * `npm run testbed`: real Prosody + test focus + test bridge + a config.js server in the foreground, for manual use
 * (`stagecast join <printed URL>`). Ctrl-C stops focus, bridge and config server (Prosody keeps running; stop it with
 * scripts/services/prosody.sh stop).
 */
import { TestBridge } from './test-bridge.js';
import { TestFocus } from './test-focus.js';
import { ConfigJsServer, startProsody, testbedConfigJs } from './testbed.js';

const tb = await startProsody();
const bridge = await TestBridge.start();
const focus = await TestFocus.start({ websocketUrl: tb.websocketUrl, domain: tb.domain, focusPassword: tb.focusPassword, bridge });
const config = await ConfigJsServer.start(testbedConfigJs(tb));
focus.on('participantJoined', (room, nick) => console.log(`joined   ${room} ${nick}`));
focus.on('participantLeft', (room, nick) => console.log(`left     ${room} ${nick}`));
focus.on('sessionAccepted', (room, nick, s) => console.log(`accepted ${room} ${nick} (${s.sources.length} sources)`));
focus.on('jingleRejected', (room, nick, action, reason) => console.log(`REJECTED ${room} ${nick} ${action}: ${reason}`));
console.log(`Stagecast testbed ready.
  meeting URL     ${config.origin}/<room>          (e.g. stagecast join ${config.origin}/demo)
  XMPP WebSocket  ${tb.websocketUrl}   domain ${tb.domain}, MUC ${tb.muc}, focus ${tb.focusComponent}
  bridge          ws://127.0.0.1:${bridge.port}/colibri-ws/…
  secure domain   ${tb.secureDomain} (user ${tb.secureUser}), guests on ${tb.guestDomain}
  JWT             HS256, iss=${tb.jwtAppId}, secret: scripts/services/prosody.sh env
Ctrl-C to stop.`);
const stop = async (): Promise<void> => {
  await focus.close();
  await bridge.close();
  await config.close();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());
