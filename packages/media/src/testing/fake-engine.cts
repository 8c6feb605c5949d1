// A tiny engine stand-in for client unit tests: a real child process speaking the channel protocol (fd 3 in, fd 4
// out) without GStreamer. Modes (argv[2]): "normal"; "silent-requests" (never answers, keeps heartbeating);
// "exit-before-ready"; "bad-version".
import net = require('node:net');

const mode = process.argv[process.argv.length - 1] ?? 'normal';
if (mode === 'exit-before-ready') {
  process.stderr.write('fake engine: failing on purpose\n');
  process.exit(3);
}
const out = new net.Socket({ fd: 4, readable: false, writable: true });
const input = new net.Socket({ fd: 3, readable: true, writable: false });
const write = (o: unknown) => out.write(JSON.stringify(o) + '\n');
let seq = 0;
const hb = setInterval(
  () =>
    write({ event: 'heartbeat', data: { seq: seq++, rssBytes: process.memoryUsage().rss, cpuUserUs: 0, sessions: 0 } }),
  200,
);
write({
  event: 'ready',
  data: { protocolVersion: mode === 'bad-version' ? 999 : 1, pid: process.pid, gstVersion: 'fake' },
});
let buf = '';
input.setEncoding('utf8');
input.on('data', (chunk: string) => {
  buf += chunk;
  let i: number;
  while ((i = buf.indexOf('\n')) >= 0) {
    const req = JSON.parse(buf.slice(0, i)) as { id: number; method: string; params: { ms?: number } };
    buf = buf.slice(i + 1);
    if (mode === 'silent-requests' && req.method !== 'engine.shutdown') continue;
    switch (req.method) {
      case 'engine.stats':
        write({ id: req.id, ok: true, result: { sessions: [], rssBytes: process.memoryUsage().rss, uptimeMs: 1 } });
        break;
      case 'debug.block': {
        const until = Date.now() + (req.params.ms ?? 0);
        while (Date.now() < until) {
          /* block the JS thread: no heartbeat, no answers */
        }
        write({ id: req.id, ok: true, result: {} });
        break;
      }
      case 'debug.crash':
        process.kill(process.pid, 'SIGSEGV');
        break;
      case 'engine.shutdown':
        write({ id: req.id, ok: true, result: { eos: true } });
        clearInterval(hb);
        out.end(() => process.exit(0));
        break;
      case 'session.open':
        write({ id: req.id, ok: true, result: {} });
        write({
          event: 'localCandidate',
          data: { sid: 's1', mid: 'audio', mlineIndex: 0, candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
        });
        break;
      default:
        write({
          id: req.id,
          ok: false,
          error: { code: 'unknown-method', message: `fake engine has no ${req.method}` },
        });
    }
  }
});
input.on('end', () => process.exit(0));
