/**
 * Spawns the standalone playout renderer (render-playout.cts: CommonJS + node-gtk) and collects its JSON lines.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeArgsFor } from '../../client/create-engine.js';
import type { PlayoutRenderSpec } from '../render-playout.js';

export interface PlayoutRenderLine {
  event: string;
  [k: string]: unknown;
}
export interface PlayoutRenderResult {
  baseTimeNs: bigint;
  cpuPct: number | null;
  lines: PlayoutRenderLine[];
  stderr: string;
}

function entry(): string {
  const built = fileURLToPath(new URL('../render-playout.cjs', import.meta.url));
  if (!import.meta.url.endsWith('.ts') && existsSync(built)) return built;
  return fileURLToPath(new URL('../render-playout.cts', import.meta.url));
}

/** Runs one render; rejects on an `error` line, a non-zero exit, or `timeoutMs`. */
export function renderPlayout(spec: PlayoutRenderSpec, timeoutMs = spec.durationMs + 60_000): Promise<PlayoutRenderResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgsFor(entry(), [JSON.stringify(spec)]), { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: PlayoutRenderLine[] = [];
    let out = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`playout renderer timed out after ${timeoutMs} ms; stderr: ${stderr.slice(-800)}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      let i: number;
      while ((i = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        try {
          lines.push(JSON.parse(line) as PlayoutRenderLine);
        } catch {
          // engine log lines
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr = (stderr + c).slice(-20_000)));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const err = lines.find((l) => l.event === 'error');
      const playing = lines.find((l) => l.event === 'playing');
      const done = lines.find((l) => l.event === 'done');
      if (err) reject(new Error(`playout renderer failed: ${JSON.stringify(err)}; stderr: ${stderr.slice(-800)}`));
      else if (code !== 0 || !playing || !done)
        reject(new Error(`playout renderer exited (code=${code}, signal=${signal}) without result; stderr: ${stderr.slice(-800)}`));
      else
        resolve({
          baseTimeNs: BigInt(String(playing.baseTimeNs)),
          cpuPct: typeof done.cpuPct === 'number' ? done.cpuPct : null,
          lines,
          stderr,
        });
    });
  });
}
