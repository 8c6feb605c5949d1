import type { ChildProcess } from 'node:child_process';

/**
 * Resolves when `child` has exited AND its piped stdout/stderr have been read to the end. Node emits 'exit' before
 * the pipes are drained, so a test asserting on the last lines a process wrote right before dying (a forced-shutdown
 * log line) could read output that was still in the pipe — a CI run failed exactly like that. 'close' waits for the
 * pipes too; a grandchild that inherited them would hold 'close' forever, so after `graceMs` past 'exit' we stop waiting.
 */
export function processExit(
  child: ChildProcess,
  graceMs = 2_000,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      if (timer) clearTimeout(timer);
      child.off('close', onClose);
      resolve({ code, signal });
    };
    const onClose = (code: number | null, signal: NodeJS.Signals | null) => finish(code, signal);
    child.once('close', onClose);
    child.once('exit', (code, signal) => {
      timer = setTimeout(() => finish(code, signal), graceMs);
    });
  });
}
