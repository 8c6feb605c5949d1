import type { AdminContext } from '../../admin/context.js';
import type { AuthService, AuthState } from '../../auth/auth-service.js';
import type { AuthContext } from '../../auth/context.js';

/** A stand-in whose every method throws: unit tests of public procedures must not reach admin repositories. */
function unavailable<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get(_target, property) {
      if (property === 'then') return undefined;
      return () => {
        throw new Error(`${name}.${String(property)} is not available in this fake context; use an integration test`);
      };
    },
  });
}

export interface FakeAuthOptions {
  auth?: AuthState;
  headers?: Record<string, string>;
}

/** Auth and admin parts of a unit-test context: a fixed caller identity, throwing repositories. */
export function fakeAdminParts(options: FakeAuthOptions = {}): AuthContext & AdminContext {
  const auth: AuthState = options.auth ?? { kind: 'anonymous' };
  const headers = new Headers(options.headers);
  return {
    authService: unavailable<AuthService>('authService'),
    request: {
      secure: false,
      allowedOrigins: ['http://stagecast.test'],
      ip: '127.0.0.1',
      userAgent: null,
      headers,
      csrfHeader: headers.get('x-csrf-token'),
      sessionToken: null,
    },
    getAuth: async () => auth,
    setCookie: () => {},
    db: unavailable('db'),
    catalog: unavailable('catalog'),
    conferenceWrites: unavailable('conferenceWrites'),
    roomRepo: unavailable('roomRepo'),
    talkRepo: unavailable('talkRepo'),
    talkVideos: unavailable('talkVideos'),
    roomControls: unavailable('roomControls'),
    userRepo: unavailable('userRepo'),
    sessionRepo: unavailable('sessionRepo'),
    jobRecords: unavailable('jobRecords'),
    fleet: unavailable('fleet'),
    enqueue: async () => {
      throw new Error('enqueue is not available in this fake context');
    },
    cancelBossJob: async () => {
      throw new Error('cancelBossJob is not available in this fake context');
    },
    fetchSchedule: async () => {
      throw new Error('fetchSchedule is not available in this fake context');
    },
  };
}
