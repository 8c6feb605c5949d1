/** Runs once when the Next.js server starts (not during `next build`): fail fast on bad configuration. */
export async function register(): Promise<void> {
  const { isNodeRuntime } = await import('./env.js');
  if (!isNodeRuntime()) return;
  const { runtime } = await import('./server/runtime.js');
  runtime();
}
