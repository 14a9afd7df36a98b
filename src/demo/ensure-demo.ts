import type { Config } from '../config/schema.ts';
import type { Services } from '../services.ts';
import { ensureDemoAdmin } from './demo-admin.ts';
import { ensureDemoPrincipals, type DemoPrincipals } from './demo-principals.ts';

/** Everything demo mode creates, as printed in the banner. */
export interface DemoCredentials extends DemoPrincipals {
  /** The demo admin client (admin API and CLI); absent when the primary of several workers prints the banner. */
  adminClientId?: string;
  adminClientSecret?: string;
}

/** Demo mode (TOLLGATE_DEMO): the demo principals and the demo admin client, or nothing when it is off. */
export async function ensureDemo(deps: Pick<Services, 'clients' | 'accounts' | 'resources'>, config: Config): Promise<DemoCredentials | undefined> {
  if (!config.demo) return undefined;
  const principals = await ensureDemoPrincipals({ ...deps, secretPepper: config.secretPepper }, { secret: config.demoSecret, password: config.demoPassword });
  return { ...principals, ...(await ensureDemoAdmin(deps.clients, config.secretPepper)) };
}
