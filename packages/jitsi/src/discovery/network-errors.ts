import { ConnectionError, type ConnectionErrorReason } from '../errors.js';
import { redact } from '../logger.js';

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; cause?: unknown; error?: unknown };
  if (typeof e.code === 'string' && e.code !== 'ECONNERROR') return e.code;
  return codeOf(e.cause) ?? codeOf(e.error);
}

/** Maps a Node network error (http, ws, undici) to a ConnectionError with a reason and what to do. */
export function classifyNetworkError(err: unknown, url: string, fallback: ConnectionErrorReason): ConnectionError {
  const code = codeOf(err);
  const where = redact(url);
  const detail = err instanceof Error ? err.message : String(err);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new ConnectionError('dns', `Host of ${where} could not be resolved (${code}); check the meeting URL and DNS.`, { cause: err });
  }
  if (code && TLS_CODES.has(code)) {
    return new ConnectionError('tls', `TLS to ${where} failed (${code}); for a self-signed deployment pass its CA certificate (ca option).`, { cause: err });
  }
  if (code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET' || code === 'ETIMEDOUT') {
    return new ConnectionError('unreachable', `${where} is unreachable (${code}); check that the deployment is up and reachable from this machine.`, { cause: err });
  }
  return new ConnectionError(fallback, `Request to ${where} failed (${redact(detail)}); check the deployment URL and network.`, { cause: err });
}
