import type { MaxPriority } from '../principals/max-priority.ts';
import type { ResourceServerRecord } from '../resources/resource-server-record.ts';
import type { TokenActor } from '../resource-tokens/resource-token-record.ts';

/**
 * A GitHub Actions repository, matched by GitHub's immutable ids: a deleted repository's (or
 * organisation's) name can be taken by anyone, so the name is kept for people to read only.
 */
export interface GithubActionsWorkload {
  kind: 'github_actions';
  /** `owner/name` as the maintainer gave it; never matched. */
  repository?: string;
  repositoryId: string;
  repositoryOwnerId: string;
  /** Optional further claims, each matched exactly: the workflow file, the git ref, the deployment environment. */
  jobWorkflowRef?: string;
  ref?: string;
  environment?: string;
}

/** A Kubernetes service account: its namespace and name (the token's `sub`), and its uid, which a recreated account does not keep. */
export interface KubernetesWorkload {
  kind: 'kubernetes';
  namespace: string;
  serviceAccount: string;
  uid: string;
}

export type PublisherWorkload = GithubActionsWorkload | KubernetesWorkload;

/**
 * A trusted publisher (SPEC §15, PyPI's name): a CI identity bound to one resource server by a
 * maintainer. The CI job's own OIDC token, from `issuer`, gets access tokens for the resource
 * with the jwt-bearer grant; there is no secret. Detached from its creator like a resource token.
 */
export interface TrustedPublisherRecord {
  id: string;
  resource: string;
  description: string;
  issuer: string;
  /** The `aud` the CI token must carry; tollgate's issuer URL when absent. */
  audience?: string;
  workload: PublisherWorkload;
  scopes: string[];
  maxPriority?: MaxPriority;
  createdBy: TokenActor;
  createdAt: string;
}

/**
 * Whether the publisher is bound to this resource server: made for its identifier, and not
 * before it was created, so a resource deleted and created again does not inherit the bindings
 * of the one before (as resource tokens, tokenOfResource).
 */
export function publisherOfResource(record: TrustedPublisherRecord, resource: Pick<ResourceServerRecord, 'identifier' | 'createdAt'>): boolean {
  return record.resource === resource.identifier && Date.parse(record.createdAt) >= Date.parse(resource.createdAt);
}
