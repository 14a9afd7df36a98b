import type { FederatedIdentity } from '../federation/federated-identity.ts';
import type { TrustedPublisherRecord } from './publisher-record.ts';

/**
 * What a trusted publisher's CI token must prove (federation/assertion-verifier.ts). GitHub
 * Actions: no `sub` (it spells `repo:OWNER/NAME:...`, a recycled name), the immutable
 * `repository_id` and `repository_owner_id` instead, plus the workflow, ref and environment
 * when given. Kubernetes: the exact `sub` of the service account and its uid
 * (`kubernetes.io.serviceaccount.uid`), which a recreated account of the same name does not have.
 */
export function publisherIdentity(record: Pick<TrustedPublisherRecord, 'issuer' | 'audience' | 'workload'>): FederatedIdentity {
  const audience = record.audience ? { audience: record.audience } : {};
  const { workload } = record;
  if (workload.kind === 'kubernetes') {
    return {
      issuer: record.issuer,
      subject: `system:serviceaccount:${workload.namespace}:${workload.serviceAccount}`,
      ...audience,
      conditions: { 'kubernetes.io.serviceaccount.uid': workload.uid },
    };
  }
  const conditions: Record<string, string> = { repository_id: workload.repositoryId, repository_owner_id: workload.repositoryOwnerId };
  if (workload.jobWorkflowRef !== undefined) conditions.job_workflow_ref = workload.jobWorkflowRef;
  if (workload.ref !== undefined) conditions.ref = workload.ref;
  if (workload.environment !== undefined) conditions.environment = workload.environment;
  return { issuer: record.issuer, ...audience, conditions };
}
