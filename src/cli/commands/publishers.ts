import { AppError } from '../../errors.ts';
import type { Command, CommandGroup, Values } from '../command.ts';
import { defined, listOption, maxPriorityOption, stringOption } from '../option-values.ts';
import { formatFields, formatTable } from '../output.ts';
import { callSelfService, maintainerOptions, maintainerOptionsHelp, publishersPath } from '../self-service-client.ts';

const githubFlags = {
  repository: 'repository',
  'repository-id': 'repository_id',
  'owner-id': 'repository_owner_id',
  workflow: 'job_workflow_ref',
  ref: 'ref',
  environment: 'environment',
} as const;
const kubernetesFlags = { namespace: 'namespace', 'service-account': 'service_account', uid: 'uid' } as const;

/** The flag that set each field of the request, for the server's refusals. */
const fieldFlags: Record<string, string> = {
  issuer: '--ci-issuer',
  audience: '--audience',
  ...Object.fromEntries(Object.entries(githubFlags).map(([flag, field]) => [`github_actions.${field}`, `--${flag}`])),
  ...Object.fromEntries(Object.entries(kubernetesFlags).map(([flag, field]) => [`kubernetes.${field}`, `--${flag}`])),
};

/** The fields of `flags` given on the command line, or undefined when none is. */
function fieldsOf(values: Values, flags: Record<string, string>): Record<string, unknown> | undefined {
  const fields = defined(Object.fromEntries(Object.entries(flags).map(([flag, field]) => [field, stringOption(values, flag)])));
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** The CI identity the flags name: a GitHub Actions repository or a Kubernetes service account. */
function workloadOptions(values: Values): Record<string, unknown> {
  const github = fieldsOf(values, githubFlags);
  const kubernetes = fieldsOf(values, kubernetesFlags);
  if (github && kubernetes)
    throw new AppError('usage', 'name one CI identity: GitHub Actions flags (--repository-id ...) or Kubernetes flags (--namespace ...), not both');
  if (!github && !kubernetes) {
    throw new AppError(
      'usage',
      'name the CI identity: --repository-id and --owner-id (GitHub Actions), or --namespace, --service-account and --uid (Kubernetes)',
    );
  }
  // Missing ids are left to the server, which says why each is required.
  return github ? { github_actions: github } : { kubernetes };
}

const identityOf = (publisher: Record<string, unknown>) => {
  const github = publisher.github_actions as Record<string, string | null> | null;
  if (github)
    return `github ${github.repository ?? '?'} (id ${github.repository_id}, owner ${github.repository_owner_id})${github.ref ? ` ${github.ref}` : ''}${github.environment ? ` env:${github.environment}` : ''}`;
  const kubernetes = publisher.kubernetes as Record<string, string>;
  return `k8s ${kubernetes.namespace}/${kubernetes.service_account} (uid ${kubernetes.uid})`;
};
const row = (publisher: Record<string, unknown>) => ({
  ...publisher,
  identity: identityOf(publisher),
  created_by: (publisher.created_by as { name?: string; id: string }).name ?? (publisher.created_by as { id: string }).id,
});
const columns = ['id', 'description', 'identity', 'created_by', 'created_at', 'last_used_at'];

const list: Command = {
  name: 'list',
  summary: 'list every trusted publisher of a resource you maintain',
  positionals: ['resource'],
  options: maintainerOptions,
  help: `usage: tollgate publishers list <resource> [--json]\n\n${maintainerOptionsHelp}`,
  async run(context) {
    const result = await callSelfService(context, 'GET', publishersPath(context.positionals[0] as string));
    context.out.result(result, () => formatTable((result.publishers as Array<Record<string, unknown>>).map(row), columns));
  },
};

const add: Command = {
  name: 'add',
  summary: 'bind a CI identity to a resource you maintain: its jobs get tokens without a secret',
  positionals: ['resource'],
  options: {
    ...maintainerOptions,
    description: { type: 'string' },
    'ci-issuer': { type: 'string' },
    audience: { type: 'string' },
    ...Object.fromEntries([...Object.keys(githubFlags), ...Object.keys(kubernetesFlags)].map((flag) => [flag, { type: 'string' as const }])),
    scope: { type: 'string', multiple: true },
    'max-priority': { type: 'string' },
  },
  help: `usage: tollgate publishers add <resource> --description TEXT --ci-issuer URL <CI identity> [options]

  --description TEXT        what the binding is for (required)
  --ci-issuer URL           the issuer of the CI's tokens, one the resource allows (required;
                            GitHub: https://token.actions.githubusercontent.com)
  --audience AUD            the aud the CI requests for its token (default: tollgate's URL)
  --scope SCOPE             scopes its tokens carry (repeatable; default: all the resource allows)
  --max-priority MAP        queue=priority,...: within the resource's ceiling and your own

A GitHub Actions repository, by its ids (names are recycled: a name alone is refused):
  --repository-id ID        gh api repos/OWNER/REPO --jq .id (required)
  --owner-id ID             gh api repos/OWNER/REPO --jq .owner.id (required)
  --repository OWNER/REPO   for people to read; never matched
  --workflow REF            only this workflow: OWNER/REPO/.github/workflows/FILE@REF
  --ref REF                 only this git ref, e.g. refs/heads/main or refs/tags/v1.0
  --environment NAME        only jobs in this deployment environment

A Kubernetes service account (all three required):
  --namespace NS  --service-account NAME
  --uid UID                 kubectl get sa NAME -n NS -o jsonpath='{.metadata.uid}'

${maintainerOptionsHelp}`,
  async run(context) {
    const { values } = context;
    const body = defined({
      description: stringOption(values, 'description') ?? '',
      issuer: stringOption(values, 'ci-issuer'),
      audience: stringOption(values, 'audience'),
      ...workloadOptions(values),
      scopes: listOption(values, 'scope'),
      max_priority: maxPriorityOption(values) ?? undefined,
    });
    const result = await callSelfService(context, 'POST', publishersPath(context.positionals[0] as string), body, fieldFlags);
    context.out.result(
      result,
      () =>
        `added ${result.id as string}\n\n${formatFields(row(result))}\n\nIn the CI job: grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer, client_id=${result.id as string}, assertion=<the job's OIDC token>.`,
    );
  },
};

const remove: Command = {
  name: 'remove',
  summary: 'remove a trusted publisher of a resource you maintain (whoever added it)',
  positionals: ['resource', 'publisher-id'],
  options: maintainerOptions,
  help: `usage: tollgate publishers remove <resource> <publisher-id> [--json]\n\n${maintainerOptionsHelp}`,
  async run(context) {
    const [resource, id] = context.positionals as [string, string];
    const result = await callSelfService(context, 'DELETE', `${publishersPath(resource)}/${encodeURIComponent(id)}`);
    context.out.result(result, () => `removed ${id}: its CI jobs get no more tokens`);
  },
};

export const publishersGroup: CommandGroup = {
  name: 'publishers',
  summary: 'list, add, remove trusted publishers (CI identities, no secret)',
  commands: [list, add, remove],
};
