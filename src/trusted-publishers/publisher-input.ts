import { z } from 'zod';

import { displayText, scopeToken } from '../principals/identifiers.ts';
import { maxPrioritySchema } from '../principals/max-priority.ts';
import type { PublisherWorkload } from './publisher-record.ts';

/** A missing field's message, saying why it is required (parseInput keeps messages that start so). */
const requiredBecause = (why: string) => ({ error: (issue: { input: unknown }) => (issue.input === undefined ? `is required: ${why}` : undefined) });

const claimText = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^\s\p{C}]+$/u, 'must not contain spaces or control characters');

const numericGithubId = (claim: string, how: string) =>
  z
    .string(
      requiredBecause(
        `GitHub's immutable ${claim.replaceAll('_', ' ')} (the ${claim} claim; ${how}). A name alone is not enough: deleted repositories' and organisations' names are taken again`,
      ),
    )
    .regex(/^[1-9][0-9]{0,19}$/, `must be GitHub's numeric ${claim} (a string of digits), not a name`);

const githubActions = z
  .object({
    repository_id: numericGithubId('repository_id', 'gh api repos/OWNER/REPO --jq .id'),
    repository_owner_id: numericGithubId('repository_owner_id', 'gh api repos/OWNER/REPO --jq .owner.id'),
    repository: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'must be OWNER/REPO')
      .optional()
      .describe('OWNER/REPO, for people to read; never matched (names are recycled)'),
    job_workflow_ref: claimText(512)
      .regex(/^[^@]+\/\.github\/workflows\/[^@]+@.+$/, 'must be a job_workflow_ref claim: OWNER/REPO/.github/workflows/FILE@REF')
      .optional()
      .describe('only this workflow, e.g. OWNER/REPO/.github/workflows/release.yml@refs/heads/main (exact)'),
    ref: claimText(255)
      .regex(/^refs\/.+$/, 'must be a full git ref such as refs/heads/main or refs/tags/v1.0')
      .optional()
      .describe('only jobs on this git ref (exact)'),
    environment: claimText(255).optional().describe('only jobs in this deployment environment (exact)'),
  })
  .strict()
  .describe('a GitHub Actions repository, matched by its immutable ids');

const kubernetes = z
  .object({
    namespace: z
      .string(requiredBecause("the service account's namespace"))
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a Kubernetes namespace name'),
    service_account: z
      .string(requiredBecause("the service account's name"))
      .regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, 'must be a Kubernetes service account name'),
    uid: z
      .string(
        requiredBecause(
          "the service account's uid (kubectl get serviceaccount NAME -n NAMESPACE -o jsonpath='{.metadata.uid}'). A name alone is not enough: a deleted account's name can be used again",
        ),
      )
      .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "must be the service account's metadata.uid (a UUID)")
      .transform((uid) => uid.toLowerCase()),
  })
  .strict()
  .describe('a Kubernetes service account, matched by namespace, name and uid');

/** A new trusted publisher, as a maintainer asks for it (JSON API and CLI): exactly one of github_actions and kubernetes. */
export const newTrustedPublisher = z
  .object({
    description: displayText(200).trim().min(1, 'is required: say what the binding is for (e.g. "release workflow")'),
    issuer: z.string(requiredBecause("the trusted issuer of the CI's tokens, one the resource allows (trusted_publisher_issuers)")).min(1).max(512),
    audience: z.string().min(1).max(512).optional().describe("the aud the CI token carries; default: tollgate's issuer URL"),
    github_actions: githubActions.optional(),
    kubernetes: kubernetes.optional(),
    scopes: z.array(scopeToken).max(100).optional().describe('default: every scope the policy allows'),
    max_priority: maxPrioritySchema.optional(),
  })
  .strict()
  .superRefine((input, context) => {
    if (!input.github_actions === !input.kubernetes) {
      context.addIssue({
        code: 'custom',
        path: [input.kubernetes ? 'kubernetes' : 'github_actions'],
        message: 'give exactly one of github_actions and kubernetes: the CI identity to bind',
      });
    }
  });

export type NewTrustedPublisher = z.output<typeof newTrustedPublisher>;

/** The CI identity the input names, as stored (exactly one is given: the schema refines so). */
export function workloadOf(input: NewTrustedPublisher): PublisherWorkload {
  if (input.kubernetes)
    return { kind: 'kubernetes', namespace: input.kubernetes.namespace, serviceAccount: input.kubernetes.service_account, uid: input.kubernetes.uid };
  const github = input.github_actions;
  if (!github) throw new Error('newTrustedPublisher lets no input through without a CI identity');
  return {
    kind: 'github_actions',
    ...(github.repository !== undefined ? { repository: github.repository } : {}),
    repositoryId: github.repository_id,
    repositoryOwnerId: github.repository_owner_id,
    ...(github.job_workflow_ref !== undefined ? { jobWorkflowRef: github.job_workflow_ref } : {}),
    ...(github.ref !== undefined ? { ref: github.ref } : {}),
    ...(github.environment !== undefined ? { environment: github.environment } : {}),
  };
}
