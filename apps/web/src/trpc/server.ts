import { createCaller } from '../server/api/root.js';
import { createContext } from '../server/runtime.js';

/** tRPC caller for server components: same procedures, middleware and validation as HTTP, without the round trip. */
export function serverApi() {
  return createCaller(createContext('rsc'));
}
