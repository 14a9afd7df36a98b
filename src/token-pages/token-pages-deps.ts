import type { AccountStore } from '../accounts/account-store.ts';
import type { Logger } from '../logger.ts';
import type { AttemptLimits } from '../pages/attempt-limits.ts';
import type { InteractionCsrf } from '../pages/interaction-csrf.ts';
import type { UpstreamSignInDeps } from '../pages/upstream-start.ts';
import type { ResourceRegistry } from '../resources/resource-registry.ts';
import type { SecurityEvents } from '../security/security-events.ts';
import type { SelfService } from '../self-service/create-self-service.ts';
import type { ResourceActivity } from '../self-service/resource-activity.ts';
import type { Reverify } from '../upstreams/reverify-account.ts';
import type { UpstreamRegistry } from '../upstreams/upstream-registry.ts';
import type { IssuedValues } from './issued-values.ts';
import type { PageSessions } from './page-sessions.ts';

/** What the maintainers' token pages work with; tollgate.ts builds it once. */
export interface TokenPagesDeps {
  issuer: string;
  accounts: AccountStore;
  resources: ResourceRegistry;
  upstreams: UpstreamRegistry;
  securityEvents: SecurityEvents;
  logger: Logger;
  selfService: Pick<SelfService, 'tokens' | 'store' | 'publishers' | 'publisherStore'>;
  activity: ResourceActivity;
  sessions: PageSessions;
  issued: IssuedValues;
  /** Anti-forgery tokens of the token pages' forms (their own purpose, per session). */
  csrf: InteractionCsrf;
  limits: AttemptLimits;
  /** The upstream re-check of §13, run as a refresh runs it: a leaver is signed out. */
  reverify: Reverify;
  upstreamSignIn: UpstreamSignInDeps;
  passwordSignIn: boolean;
  /** The issuer is https: cookies get Secure. */
  secureCookies: boolean;
  /** How long a session lives at most, and a sign-in form, seconds. */
  sessionSeconds: number;
  signInSeconds: number;
}
