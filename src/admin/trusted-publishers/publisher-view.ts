import { z } from 'zod';

import type { TokenUse } from '../../resource-tokens/resource-token-record.ts';
import { credentialView, credentialViewSchema } from '../resource-tokens/credential-view.ts';
import type { TrustedPublisherRecord } from '../../trusted-publishers/publisher-record.ts';

/** A trusted publisher as maintainers and admins see it. */
export const trustedPublisherViewSchema = credentialViewSchema.extend({
  id: z.string().describe("the publisher's id: the client_id its CI job sends, and the sub and client_id of the access tokens it gets"),
  issuer: z.string(),
  audience: z.string().nullable().describe("the aud the CI token must carry; null: tollgate's issuer URL"),
  github_actions: z
    .object({
      repository: z.string().nullable().describe('for people to read; never matched'),
      repository_id: z.string(),
      repository_owner_id: z.string(),
      job_workflow_ref: z.string().nullable(),
      ref: z.string().nullable(),
      environment: z.string().nullable(),
    })
    .strict()
    .nullable(),
  kubernetes: z.object({ namespace: z.string(), service_account: z.string(), uid: z.string() }).strict().nullable(),
});

export type TrustedPublisherView = z.infer<typeof trustedPublisherViewSchema>;

export function trustedPublisherView(record: TrustedPublisherRecord, use: TokenUse | undefined): TrustedPublisherView {
  const { workload } = record;
  return {
    ...credentialView(record, use),
    issuer: record.issuer,
    audience: record.audience ?? null,
    github_actions:
      workload.kind === 'github_actions'
        ? {
            repository: workload.repository ?? null,
            repository_id: workload.repositoryId,
            repository_owner_id: workload.repositoryOwnerId,
            job_workflow_ref: workload.jobWorkflowRef ?? null,
            ref: workload.ref ?? null,
            environment: workload.environment ?? null,
          }
        : null,
    kubernetes: workload.kind === 'kubernetes' ? { namespace: workload.namespace, service_account: workload.serviceAccount, uid: workload.uid } : null,
  };
}

/** Publishers as listed, each with its last use. */
export function showPublishers(
  records: readonly TrustedPublisherRecord[],
  lastUsed: (id: string) => Promise<TokenUse | undefined>,
): Promise<TrustedPublisherView[]> {
  return Promise.all(records.map(async (record) => trustedPublisherView(record, await lastUsed(record.id))));
}
