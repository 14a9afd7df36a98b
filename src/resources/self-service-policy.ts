import type { MaxPriority } from '../principals/max-priority.ts';

/** An upstream group (SPEC §13's group claims) whose members maintain a resource server. */
export interface MaintainerGroup {
  upstream: string;
  group: string;
}

/** Who maintains a resource server (SPEC §15): accounts by id, and upstream groups. */
export interface Maintainers {
  accounts: string[];
  groups: MaintainerGroup[];
}

/** What maintainers may do without an admin (SPEC §15); only admins change it. */
export interface SelfServicePolicy {
  enabled: boolean;
  /** Scopes a resource token may carry; every scope the resource defines when absent. */
  scopes?: string[];
  /** The highest `max_priority` a resource token may carry; none at all when absent. */
  maxPriority?: MaxPriority;
  /** The longest a resource token may live, days. */
  maxLifetimeDays: number;
  /** Trusted issuers (§14) whose CI identities maintainers may bind; none allows no trusted publisher. */
  publisherIssuers: string[];
}

/** GitLab's and GitHub organisations' cap on token lifetime. */
export const defaultMaxLifetimeDays = 365;
export const maxLifetimeDaysLimit = 3650;

export const noSelfService: SelfServicePolicy = Object.freeze({ enabled: false, maxLifetimeDays: defaultMaxLifetimeDays, publisherIssuers: [] });
export const noMaintainers: Maintainers = Object.freeze({ accounts: [], groups: [] });
