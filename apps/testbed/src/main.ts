/**
 * `npm run testbed`: the full testbed with media in the foreground. Prints the meeting URL to join with
 * `stagecast join`; Ctrl-C stops focus, bridge and config server (Prosody keeps running: scripts/services/prosody.sh stop).
 */
import { startTestbed } from './testbed.js';

const logger = {
  debug() {},
  info() {},
  warn: (o: unknown, m?: string) => console.error('warn', m ?? '', JSON.stringify(o)),
  error: (o: unknown, m?: string) => console.error('error', m ?? '', JSON.stringify(o)),
  child() {
    return logger;
  },
};
// Interactive use: answer every room (no prefix claim), so any meeting URL on this origin works.
const tb = await startTestbed({ logger, roomPrefix: '' });
const { focus, prosody } = tb;
focus.on('participantJoined', (room, nick) => console.log(`joined   ${room} ${nick}`));
focus.on('participantLeft', (room, nick) => console.log(`left     ${room} ${nick}`));
focus.on('sessionAccepted', (room, nick, s) => console.log(`accepted ${room} ${nick} (${s.sources.length} sources)`));
focus.on('sessionTerminated', (room, nick, reason, restart) => console.log(`terminated ${room} ${nick} ${reason}${restart ? ' (restart)' : ''}`));
focus.on('jingleRejected', (room, nick, action, reason) => console.log(`REJECTED ${room} ${nick} ${action}: ${reason}`));
console.log(`Stagecast testbed ready (Prosody + test focus + forwarding bridge with real media).
  meeting URL     ${tb.meetingUrl('demo')}
  join            npx stagecast join ${tb.meetingUrl('demo')} --send-pipeline 'videotestsrc is-live=true ! queue name=video'
  XMPP WebSocket  ${prosody.websocketUrl}   domain ${prosody.domain}, MUC ${prosody.muc}
  bridge          ws://127.0.0.1:${tb.bridge.port}/colibri-ws/…  (media engine pid ${tb.media.engine.pid ?? '?'})
Ctrl-C to stop.`);
let stopping = false;
const stop = (): void => {
  if (stopping) process.exit(130);
  stopping = true;
  void tb.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
