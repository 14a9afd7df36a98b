import { AppError } from '../../errors.ts';
import type { Command, CommandGroup } from '../command.ts';
import { listOption, maxPriorityOption, stringOption } from '../option-values.ts';
import { formatFields, formatTable } from '../output.ts';
import { callSelfService, maintainerOptions, maintainerOptionsHelp, tokensPath } from '../self-service-client.ts';

/** `90d`, `12h`, or an ISO date: when the token stops working. */
export function expiryOption(text: string | undefined, now = Date.now()): string {
  if (!text) throw new AppError('usage', '--expires is required: e.g. 90d, or a date such as 2027-06-30');
  const relative = /^(\d+)([dh])$/.exec(text);
  if (relative) return new Date(now + Number(relative[1]) * (relative[2] === 'd' ? 86400_000 : 3600_000)).toISOString();
  const date = Date.parse(text);
  if (Number.isNaN(date)) throw new AppError('usage', `--expires: "${text}" is neither a duration (90d, 12h) nor a date`);
  return new Date(date).toISOString();
}

const columns = ['id', 'description', 'created_by', 'created_at', 'expires_at', 'last_used_at', 'last_used_ip', 'status'];
const row = (token: Record<string, unknown>) => ({
  ...token,
  created_by: (token.created_by as { name?: string; id: string }).name ?? (token.created_by as { id: string }).id,
});

const shownOnce = (result: Record<string, unknown>) =>
  `${result.token as string}\n\nThis is the only time the token is shown: store it as a CI secret now.\nIts client_id is ${result.id as string}; the whole value is the client_secret.`;

const list: Command = {
  name: 'list',
  summary: 'list every token of a resource you maintain',
  positionals: ['resource'],
  options: maintainerOptions,
  help: `usage: tollgate resource-tokens list <resource> [--json]\n\n${maintainerOptionsHelp}`,
  async run(context) {
    const result = await callSelfService(context, 'GET', tokensPath(context.positionals[0] as string));
    const tokens = result.tokens as Array<Record<string, unknown>>;
    context.out.result(result, () => formatTable(tokens.map(row), columns));
  },
};

const create: Command = {
  name: 'create',
  summary: 'make a token for a resource you maintain (shown once)',
  positionals: ['resource'],
  options: {
    ...maintainerOptions,
    description: { type: 'string' },
    scope: { type: 'string', multiple: true },
    'max-priority': { type: 'string' },
    expires: { type: 'string' },
  },
  help: `usage: tollgate resource-tokens create <resource> --description TEXT --expires 90d [options]

  --description TEXT        what the token is for (required)
  --expires WHEN            90d, 12h or a date (required; at most the resource's maximum lifetime)
  --scope SCOPE             scopes it carries (repeatable; default: all the resource allows)
  --max-priority MAP        queue=priority,...: within the resource's ceiling and your own

${maintainerOptionsHelp}`,
  async run(context) {
    const { values } = context;
    const body = {
      description: stringOption(values, 'description') ?? '',
      expires_at: expiryOption(stringOption(values, 'expires')),
      ...(listOption(values, 'scope') ? { scopes: listOption(values, 'scope') } : {}),
      ...(maxPriorityOption(values) ? { max_priority: maxPriorityOption(values) } : {}),
    };
    const result = await callSelfService(context, 'POST', tokensPath(context.positionals[0] as string), body);
    context.out.result(result, () => shownOnce(result));
  },
};

const revoke: Command = {
  name: 'revoke',
  summary: 'revoke a token of a resource you maintain (whoever made it)',
  positionals: ['resource', 'token-id'],
  options: maintainerOptions,
  help: `usage: tollgate resource-tokens revoke <resource> <token-id> [--json]\n\n${maintainerOptionsHelp}`,
  async run(context) {
    const [resource, id] = context.positionals as [string, string];
    const result = await callSelfService(context, 'POST', `${tokensPath(resource)}/${encodeURIComponent(id)}/revoke`);
    context.out.result(result, () => `revoked ${id}\n\n${formatFields(row(result))}`);
  },
};

const rotate: Command = {
  name: 'rotate',
  summary: 'give a token a new value (shown once); the old one may keep working a while',
  positionals: ['resource', 'token-id'],
  options: { ...maintainerOptions, overlap: { type: 'string' } },
  help: `usage: tollgate resource-tokens rotate <resource> <token-id> [--overlap SECONDS] [--json]

  --overlap SECONDS         how long the old value keeps working (default 0, at most 86400)

${maintainerOptionsHelp}`,
  async run(context) {
    const [resource, id] = context.positionals as [string, string];
    const overlap = stringOption(context.values, 'overlap') ?? '0';
    if (!/^\d+$/.test(overlap)) throw new AppError('usage', `--overlap: expected a whole number of seconds, got "${overlap}"`);
    const result = await callSelfService(context, 'POST', `${tokensPath(resource)}/${encodeURIComponent(id)}/rotate`, { overlap_seconds: Number(overlap) });
    context.out.result(result, () => shownOnce(result));
  },
};

export const resourceTokensGroup: CommandGroup = {
  name: 'resource-tokens',
  summary: 'list, create, revoke, rotate the tokens of your resources',
  commands: [list, create, revoke, rotate],
};
