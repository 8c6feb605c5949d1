/**
 * Spawns the standalone countdown renderer (render-countdown.cts, CommonJS + node-gtk) and collects its JSON lines.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { nodeArgsFor } from '../../client/create-engine.js';
import type { RenderSpec } from '../render-countdown.js';

export interface RenderResult {
  /** null when the source failed before the pipeline played. */
  baseTimeNs: bigint | null;
  eos: boolean;
  cpuPct: number | null;
  wallMs: number;
  rssMaxBytes: number;
  stats: Record<string, unknown>;
  stderr: string;
}

export function rendererEntry(): string {
  const built = fileURLToPath(new URL('../render-countdown.cjs', import.meta.url));
  if (!import.meta.url.endsWith('.ts') && existsSync(built)) return built;
  return fileURLToPath(new URL('../render-countdown.cts', import.meta.url));
}

/** Run one render; rejects on an `error` line, a non-zero exit, or `timeoutMs`. */
export function renderCountdown(spec: RenderSpec, timeoutMs = spec.durationMs + 60_000): Promise<RenderResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, nodeArgsFor(rendererEntry(), [JSON.stringify(spec)]), {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let stderr = '';
    let done: RenderResult | null = null;
    let error: string | null = null;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`countdown renderer timed out after ${timeoutMs} ms; stderr: ${stderr.slice(-800)}`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      let i: number;
      while ((i = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, i);
        out = out.slice(i + 1);
        let msg: Record<string, unknown>;
        try {
          msg = JSON.parse(line) as Record<string, unknown>;
        } catch {
          continue;
        }
        if (msg.event === 'error') error = `${String(msg.reason)}: ${String(msg.message)}`;
        if (msg.event === 'done') {
          done = {
            baseTimeNs: typeof msg.baseTimeNs === 'string' ? BigInt(msg.baseTimeNs) : null,
            eos: msg.eos === true,
            cpuPct: typeof msg.cpuPct === 'number' ? msg.cpuPct : null,
            wallMs: Number(msg.wallMs),
            rssMaxBytes: Number(msg.rssMaxBytes),
            stats: (msg.stats ?? {}) as Record<string, unknown>,
            stderr: '',
          };
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr = (stderr + c).slice(-20_000);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (error) reject(new Error(`countdown renderer failed: ${error}; stderr: ${stderr.slice(-800)}`));
      else if (!done || code !== 0)
        reject(
          new Error(
            `countdown renderer exited (code=${code}, signal=${signal}) without result; stderr: ${stderr.slice(-800)}`,
          ),
        );
      else resolve({ ...done, stderr });
    });
  });
}
