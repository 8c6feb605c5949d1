import { fileURLToPath } from 'node:url';
import type { NextConfig } from 'next';

/**
 * Internal packages are consumed as TypeScript sources (their `@stagecast/source` export condition), so
 * `next build` works on a clean clone without building packages first. Builds use webpack (`next build --webpack`):
 * Turbopack (Next 16) has neither custom export conditions nor `.js` → `.ts` extension aliases, which the
 * NodeNext-style package sources need.
 */
const internalPackages = ['@stagecast/db', '@stagecast/jobs', '@stagecast/schedule'];
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

interface WebpackConfig {
  resolve: { conditionNames?: string[]; extensionAlias?: Record<string, string[]> };
  module: { rules: unknown[] };
}

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Readable error names and stacks in server logs (DbError, not a minified `d`).
  experimental: { serverMinification: false },
  transpilePackages: internalPackages,
  // The monorepo root, so Next traces and resolves workspace packages there (and does not guess from lockfiles).
  outputFileTracingRoot: repoRoot,
  webpack(webpackConfig: WebpackConfig) {
    webpackConfig.resolve.conditionNames = ['@stagecast/source', '...'];
    // Sources use NodeNext-style `.js` specifiers for `.ts` files.
    webpackConfig.resolve.extensionAlias = { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'] };
    // @stagecast/db locates its SQL migrations with `new URL('../migrations', import.meta.url)`; the web app never
    // migrates, so keep webpack from treating that URL as an asset to bundle.
    webpackConfig.module.rules.push({ test: /[\\/]packages[\\/]db[\\/]src[\\/]migrate\.ts$/, parser: { url: false } });
    return webpackConfig;
  },
};

export default config;
