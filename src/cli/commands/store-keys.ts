import { readFileSync } from 'node:fs';

import { AppError } from '../../errors.ts';
import { signingAlgs } from '../../resources/resource-server-record.ts';
import { adminOptions, adminOptionsHelp, connectAdminApi } from '../admin-api.ts';
import type { Command, CommandContext } from '../command.ts';
import { stringOption } from '../option-values.ts';
import { formatTable } from '../output.ts';

/** `tollgate keys ...` for store mode (keys.source "store"): through the admin API. */

const keyColumns = ['kid', 'alg', 'state', 'signing', 'created', 'activates', 'retires', 'removed'];

export async function listStoredKeys(context: CommandContext): Promise<void> {
  const { keys } = (await connectAdminApi(context).call('GET', '/keys')) as { keys: Array<Record<string, unknown>> };
  context.out.result(keys, () => formatTable(keys, keyColumns));
}

export const schedule: Command = {
  name: 'schedule',
  summary: 'store mode: show the rotation schedule and the next transition',
  options: { ...adminOptions },
  help: `usage: tollgate keys schedule [--json]

The period, the publish-ahead lead time, the retention (computed from the longest access-token
lifetime of any resource server plus the clock skew, never shorter than configured), the JWKS
cache time, the next transition, and the keys with their dates.

${adminOptionsHelp}`,
  async run(context) {
    const answer = (await connectAdminApi(context).call('GET', '/keys/schedule')) as Record<string, unknown> & { keys: Array<Record<string, unknown>> };
    context.out.result(answer, () =>
      [
        `period            ${answer.period_seconds} s`,
        `publish ahead     ${answer.publish_ahead_seconds} s`,
        `retention         ${answer.retention_seconds} s`,
        `/jwks max-age     ${answer.jwks_max_age_seconds} s`,
        `next transition   ${answer.next_transition ?? 'none'}`,
        '',
        formatTable(answer.keys, keyColumns),
      ].join('\n'),
    );
  },
};

export const rotate: Command = {
  name: 'rotate',
  summary: 'store mode: rotate now (the next key signs once published for the lead time)',
  options: { ...adminOptions, alg: { type: 'string' } },
  help: `usage: tollgate keys rotate [--alg ES256|RS256|EdDSA] [--json]

Brings the next rotation forward: the published next key signs as soon as it has been in the
JWKS for the publish-ahead lead time (at once if it has); without a next key one is published
now. For a key that must stop signing at once, use "keys revoke".

${adminOptionsHelp}`,
  async run(context) {
    const alg = stringOption(context.values, 'alg') ?? 'ES256';
    if (!(signingAlgs as readonly string[]).includes(alg)) throw new AppError('usage', `--alg must be one of ${signingAlgs.join(', ')}`);
    const answer = await connectAdminApi(context).call('POST', '/keys/rotate', { alg });
    context.out.result(answer, () => `the next ${alg} key signs from ${answer.activates as string}`);
  },
};

export const revoke: Command = {
  name: 'revoke',
  summary: 'store mode: revoke a key now (emergency)',
  options: { ...adminOptions },
  positionals: ['kid'],
  help: `usage: tollgate keys revoke KID [--json]

The key leaves the JWKS at once and another signs on every instance within seconds: the
published next key when there is one, else a new key. Tokens it signed stop verifying wherever
the JWKS is refetched; a verifier that caches the JWKS by time accepts them until its copy
expires (the /jwks max-age).

${adminOptionsHelp}`,
  async run(context) {
    const kid = context.positionals[0];
    if (!kid) throw new AppError('usage', 'which key? tollgate keys revoke KID (see tollgate keys list)');
    const answer = await connectAdminApi(context).call('POST', `/keys/${encodeURIComponent(kid)}/revoke`);
    const signing = (answer.transitions as Array<{ kind: string; kid: string }>).find((transition) => transition.kind === 'activated');
    context.out.result(answer, () => `REVOKED ${kid}${signing ? `; ${signing.kid} signs now` : ''}\n${answer.note as string}`);
  },
};

export const importKeys: Command = {
  name: 'import',
  summary: 'store mode: import a file-mode private JWKS into the store',
  options: { ...adminOptions, file: { type: 'string', short: 'f' } },
  help: `usage: tollgate keys import --file FILE [--json]

Moves the keys of a file-mode JWKS into the store, sealed under the key-encryption key, so
tokens they signed keep verifying: the file's signing key (the first of its type) stays active
when the store has no active key of that type; every other key is kept published, retired, for
the retention period. A store that is empty when the server starts in store mode with
TOLLGATE_JWKS_FILE still set imports the file by itself.

${adminOptionsHelp}`,
  async run(context) {
    const file = stringOption(context.values, 'file') ?? context.env.TOLLGATE_JWKS_FILE;
    if (!file) throw new AppError('usage', 'which JWKS? --file FILE or TOLLGATE_JWKS_FILE');
    let jwks: unknown;
    try {
      jwks = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new AppError('invalid_keys', `cannot read ${file}: ${(error as Error).message}`);
    }
    const answer = await connectAdminApi(context).call('POST', '/keys/import', jwks);
    const transitions = answer.transitions as Array<{ kind: string; kid: string }>;
    context.out.result(answer, () =>
      transitions.length === 0
        ? 'nothing to import: every key is already in the store'
        : transitions.map((transition) => `${transition.kind} ${transition.kid}`).join('\n'),
    );
  },
};
