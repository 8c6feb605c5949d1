import type { HealthProbe } from '../../../health/probe.js';

export interface HealthContext {
  health: HealthProbe;
  uptimeSeconds: () => number;
  version: string;
  now: () => Date;
}
