/**
 * `stagecast` entry: the only module with side effects. First SIGINT/SIGTERM = leave cleanly (engine EOS, leave
 * presence) and exit 0; a second one = force, exit 130. Failures print one clear message and exit non-zero.
 */
import { pino } from 'pino';
import { parseCommandLine } from './args.js';
import { CliError } from './errors.js';
import { runJoin } from './join.js';
import { runBroadcastCli } from './broadcast.js';
import { runClockCli } from './clock.js';
import { runPlayoutCli } from './playout.js';
import { createStatusWriter } from './status-line.js';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'broadcast') return runBroadcastCli(argv.slice(1));
  if (argv[0] === 'clock') return runClockCli(argv.slice(1));
  if (argv[0] === 'playout') return runPlayoutCli(argv.slice(1));
  let parsed: ReturnType<typeof parseCommandLine>;
  try {
    parsed = parseCommandLine(argv);
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError('internal', String(err));
    process.stderr.write(`stagecast: ${e.message}\n`);
    return e.exitCode;
  }
  if (parsed.command === 'help') {
    process.stdout.write(`${parsed.text}\n`);
    return 0;
  }
  const o = parsed.options;
  const erase = createStatusWriter(process.stderr);
  // Logs go to stderr as JSON lines (warnings only unless -v); the status line is erased before each one.
  const logger = pino(
    {
      level: o.verbosity >= 2 ? 'debug' : o.verbosity === 1 ? 'info' : 'warn',
      redact: { paths: ['token', 'password', 'pwd', 'jwt', '*.token', '*.password'], censor: '[redacted]' },
    },
    {
      write(line: string) {
        erase.clear();
        process.stderr.write(line);
      },
    },
  );
  const ac = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      ac.abort(new CliError('interrupted', `${sig}: leaving`));
      return;
    }
    process.stderr.write(`\nstagecast: second ${sig}, exiting without a clean leave\n`);
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await runJoin(o, { stderr: process.stderr, logger, signal: ac.signal });
    return 0;
  } catch (err) {
    const e = err instanceof CliError ? err : new CliError('internal', String(err));
    if (e.reason === 'interrupted') return 130;
    process.stderr.write(`stagecast: ${e.message}\n`);
    return e.exitCode;
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed by now; a stray handle (a socket in TIME_WAIT cleanup, a timer) must not keep us running.
setTimeout(() => process.exit(code), 1500).unref();
