import { describe, expect, it } from 'vitest';
import { clearSessionCookie, readSessionCookie, serializeSessionCookie } from './cookies.js';
import { requestFacts, sameOriginProblem } from './request.js';

describe('requestFacts', () => {
  it('derives the allowed origin from Host, honours X-Forwarded-Proto and PUBLIC_BASE_URL', () => {
    const plain = requestFacts({
      method: 'POST',
      url: 'http://127.0.0.1:3000/api/trpc/x',
      headers: new Headers({ host: 'live.test:3000' }),
    });
    expect(plain).toMatchObject({ secure: false, allowedOrigins: ['http://live.test:3000'], ip: 'unknown' });
    const proxied = requestFacts({
      method: 'POST',
      url: 'http://127.0.0.1:3000/',
      headers: new Headers({
        host: 'live.example.org',
        'x-forwarded-proto': 'https',
        'x-forwarded-for': '203.0.113.9, 10.0.0.1',
      }),
    });
    expect(proxied).toMatchObject({ secure: true, allowedOrigins: ['https://live.example.org'], ip: '203.0.113.9' });
    const configured = requestFacts(
      { method: 'GET', url: 'http://10.0.0.5/', headers: new Headers() },
      'https://stage.example.org',
    );
    expect(configured.secure).toBe(true);
    expect(configured.allowedOrigins).toContain('https://stage.example.org');
  });
});

describe('sameOriginProblem', () => {
  const allowed = ['https://live.example.org'];
  it('accepts the own Origin, or the own Referer when Origin is missing', () => {
    expect(sameOriginProblem(new Headers({ origin: 'https://live.example.org' }), allowed)).toBeNull();
    expect(sameOriginProblem(new Headers({ referer: 'https://live.example.org/admin/x?y' }), allowed)).toBeNull();
  });
  it('names the problem for foreign, opaque, missing or cross-site requests', () => {
    expect(sameOriginProblem(new Headers({ origin: 'https://evil.example' }), allowed)).toContain('evil.example');
    expect(sameOriginProblem(new Headers({ origin: 'null' }), allowed)).toContain('Origin null');
    expect(sameOriginProblem(new Headers({ referer: 'https://evil.example/' }), allowed)).toContain('Referer');
    expect(sameOriginProblem(new Headers({ referer: 'not a url' }), allowed)).toContain('not a URL');
    expect(sameOriginProblem(new Headers(), allowed)).toContain('neither an Origin nor a Referer');
    expect(
      sameOriginProblem(new Headers({ origin: 'https://live.example.org', 'sec-fetch-site': 'cross-site' }), allowed),
    ).toContain('cross-site');
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/; __Host- and Secure only over https', () => {
    expect(serializeSessionCookie('abc', { secure: false, maxAgeSeconds: 60 })).toBe(
      'stagecast_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60',
    );
    expect(serializeSessionCookie('abc', { secure: true, maxAgeSeconds: 60.9 })).toBe(
      '__Host-stagecast_session=abc; Path=/; HttpOnly; SameSite=Lax; Max-Age=60; Secure',
    );
    expect(clearSessionCookie(false)).toContain('Max-Age=0');
  });
  it('reads either cookie name among others, and ignores empty values', () => {
    expect(readSessionCookie('a=1; stagecast_session=tok; b=2')).toBe('tok');
    expect(readSessionCookie('__Host-stagecast_session=tok2')).toBe('tok2');
    expect(readSessionCookie('stagecast_session=')).toBeNull();
    expect(readSessionCookie(null)).toBeNull();
    expect(readSessionCookie('other=1')).toBeNull();
  });
});
