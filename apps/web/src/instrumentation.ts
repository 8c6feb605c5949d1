/**
 * Runs once when the Next.js server starts (not during `next build`): validate the environment and open the pool.
 * Next would otherwise keep serving 500s after a failed register(), so a bad configuration exits the process.
 */
export async function register(): Promise<void> {
  const { EnvError, isNodeRuntime } = await import('./env.js');
  if (!isNodeRuntime()) return;
  const { runtime } = await import('./server/runtime.js');
  try {
    runtime();
  } catch (error: unknown) {
    if (!(error instanceof EnvError)) throw error;
    console.error(`stagecast-web: ${error.message}`);
    process.exit(1);
  }
}
