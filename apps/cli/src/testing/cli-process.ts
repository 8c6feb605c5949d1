/**
 * Runs `stagecast` as a real child process from the TypeScript sources (node --import tsx, workspace source
 * condition) and exposes its stderr as lines with event-driven waits, for integration tests and benches.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { processExit } from '@stagecast/media/testing';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  lines: string[];
  /** Resolves with the first stderr line (past or future) matching `re`; rejects on timeout or exit. */
  waitForLine(re: RegExp, timeoutMs?: number, from?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr(): string;
}

export function startCli(args: string[], options: { env?: NodeJS.ProcessEnv } = {}): CliProcess {
  const child = spawn(process.execPath, ['--conditions=@stagecast/source', '--import', 'tsx', MAIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.env ?? process.env,
  });
  const lines: string[] = [];
  const listeners = new Set<() => void>();
  let buf = '';
  const onData = (chunk: Buffer) => {
    buf += chunk.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, i));
      buf = buf.slice(i + 1);
    }
    for (const l of [...listeners]) l();
  };
  child.stderr!.on('data', onData);
  child.stdout!.on('data', onData);
  let done = false;
  // Resolved once the output pipes are drained too: tests assert on the last lines printed before exit.
  const exited = processExit(child).then((result) => {
    done = true;
    if (buf) lines.push(buf);
    for (const l of [...listeners]) l();
    return result;
  });
  return {
    child,
    pid: child.pid!,
    lines,
    exited,
    stderr: () => lines.join('\n'),
    waitForLine(re, timeoutMs = 60_000, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let k = from; k < lines.length; k++) {
            const m = lines[k]!.match(re);
            if (m) {
              cleanup();
              resolve(m);
              return;
            }
          }
          if (done) {
            cleanup();
            reject(new Error(`stagecast exited before printing ${re}; output:\n${lines.slice(-40).join('\n')}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(`timed out after ${timeoutMs} ms waiting for ${re}; output:\n${lines.slice(-40).join('\n')}`),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}
