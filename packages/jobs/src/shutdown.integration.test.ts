import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const child = fileURLToPath(new URL('./testing/forced-shutdown-child.ts', import.meta.url));

/** Runs the child to its end; 'close' (not 'exit') so everything it wrote to the pipe has been read. */
function processExitOutput(file: string, args: string[]) {
  return new Promise<{ signal: NodeJS.Signals | null; output: string }>((resolve, reject) => {
    const proc = spawn(process.execPath, ['--conditions=@stagecast/source', '--import', 'tsx', file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), 30_000);
    proc.once('error', reject);
    proc.once('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ signal, output });
    });
  });
}

describe('forced shutdown keeps its last log lines (real child processes)', () => {
  it('the process logger writes "second signal: forcing shutdown" before the process dies by SIGINT, pool busy or not', async () => {
    for (let run = 0; run < 3; run += 1) {
      const { signal, output } = await processExitOutput(child, ['process']);
      expect(signal).toBe('SIGINT');
      expect(output).toContain('signal received: draining');
      expect(output).toContain('second signal: forcing shutdown');
    }
  }, 60_000);

  it("control: pino's default async stdout loses that line when the thread pool is busy (why the process logger is sync)", async () => {
    const { signal, output } = await processExitOutput(child, ['pino-default']);
    expect(signal).toBe('SIGINT');
    expect(output).toContain('"msg":"ready"');
    expect(output).not.toContain('second signal: forcing shutdown');
  }, 60_000);
});
