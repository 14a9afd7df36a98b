import { AppError } from '../../errors.ts';
import type { AdminApi } from '../admin-api.ts';
import { adminOptions, adminOptionsHelp, connectAdminApi } from '../admin-api.ts';
import { getCommand, recordCommand, revokeGrantsCommand, type RecordGroup } from '../admin-record-commands.ts';
import { listFilterHelp, listFilterOptions, listFilters } from '../list-filters.ts';
import type { Command, CommandGroup, Values } from '../command.ts';
import { clearableOption, defined, maxPriorityOption, stringOption } from '../option-values.ts';
import { formatFields, formatTable } from '../output.ts';
import { passwordHelp, passwordOptions, readPassword } from '../read-secret-input.ts';

const path = (id: string) => `/accounts/${encodeURIComponent(id)}`;
/** The account's id: the admin API finds accounts by id or username, but changes them by id. */
async function accountId(api: AdminApi, idOrUsername: string): Promise<string> {
  return (await api.call('GET', path(idOrUsername))).id as string;
}

const records: RecordGroup = { group: 'accounts', positional: 'id-or-username', path, resolve: accountId };

const fieldOptions = {
  name: { type: 'string' },
  email: { type: 'string' },
  'max-priority': { type: 'string' },
} as const;

const fieldHelp = `  --name TEXT               display name ("none" clears, on update)
  --email ADDRESS           ("none" clears, on update)
  --max-priority MAP        queue=priority,... or JSON ("none" clears, on update)`;

function fields(values: Values) {
  return defined({ name: clearableOption(values, 'name'), email: clearableOption(values, 'email'), max_priority: maxPriorityOption(values) });
}

function withGeneratedPassword(text: string, password: { password: string; generated: boolean } | undefined): string {
  return password?.generated ? `${text}\n\npassword: ${password.password}\n(shown this once)` : text;
}

const create: Command = {
  name: 'create',
  summary: 'create an account (a person)',
  positionals: ['username'],
  options: { ...adminOptions, ...fieldOptions, ...passwordOptions, id: { type: 'string' }, disabled: { type: 'boolean' } },
  help: `usage: tollgate accounts create <username> (--password-stdin | --password-env NAME | --generate-password) [options]

  --id ID                   the token "sub" (default: the username)
${fieldHelp}
${passwordHelp}
  --disabled                create it disabled

${adminOptionsHelp}`,
  async run(context) {
    const { values, positionals, out } = context;
    const password = await readPassword(context);
    if (!password) throw new AppError('usage', 'a password is needed: --password-stdin, --password-env NAME or --generate-password');
    const body = defined({
      id: stringOption(values, 'id'),
      username: positionals[0],
      password: password.password,
      ...fields(values),
      disabled: values.disabled ? true : undefined,
    });
    for (const key of ['name', 'email', 'max_priority']) if (body[key] === null) delete body[key];
    const account = await connectAdminApi(context).call('POST', '/accounts', body);
    out.result(password.generated ? { ...account, password: password.password } : account, () => withGeneratedPassword(formatFields(account), password));
  },
};

const list: Command = {
  name: 'list',
  summary: 'list accounts',
  options: { ...adminOptions, ...listFilterOptions },
  help: `usage: tollgate accounts list [--search TEXT] [--disabled|--enabled] [--json]\n\n${listFilterHelp}\n\n${adminOptionsHelp}`,
  async run(context) {
    const accounts = await connectAdminApi(context).list('/accounts', 'accounts', listFilters(context.values));
    context.out.result(accounts, () => formatTable(accounts, ['id', 'username', 'name', 'max_priority', 'disabled']));
  },
};

const get = getCommand(records, 'show an account (by id or username)', formatFields);

const update = recordCommand(records, {
  name: 'update',
  summary: 'change an account (name, email, max_priority, disable, ...)',
  options: { ...fieldOptions, username: { type: 'string' }, disable: { type: 'boolean' }, enable: { type: 'boolean' } },
  usage: ' [options]',
  details: `Changes only what is given. A new max_priority reaches the person's next refreshed token.
  --username NAME           rename
${fieldHelp}
  --disable | --enable      a disabled account cannot sign in and its refresh tokens stop`,
  method: 'PATCH',
  body: (values) => ({
    ...fields(values),
    ...defined({ username: stringOption(values, 'username') }),
    ...(values.disable ? { disabled: true } : values.enable ? { disabled: false } : {}),
  }),
  show: formatFields,
});

const setPassword: Command = {
  name: 'set-password',
  summary: 'set a new password',
  positionals: ['id-or-username'],
  options: { ...adminOptions, ...passwordOptions, 'revoke-grants': { type: 'boolean' } },
  help: `usage: tollgate accounts set-password <id-or-username> (--password-stdin | --password-env NAME | --generate-password) [--revoke-grants]

${passwordHelp}
  --revoke-grants           also end every login of the account

${adminOptionsHelp}`,
  async run(context) {
    const password = await readPassword(context);
    if (!password) throw new AppError('usage', 'a password is needed: --password-stdin, --password-env NAME or --generate-password');
    const api = connectAdminApi(context);
    const id = await accountId(api, context.positionals[0] as string);
    const account = await api.call('PUT', `${path(id)}/password`, { password: password.password, revoke_grants: context.values['revoke-grants'] === true });
    context.out.result(password.generated ? { ...account, password: password.password } : account, () =>
      withGeneratedPassword(`password of ${account.username} changed (${account.revoked_grants} grant(s) revoked)`, password),
    );
  },
};

const remove = recordCommand(records, {
  name: 'delete',
  summary: 'delete an account and end its logins',
  method: 'DELETE',
  show: (result) => `deleted account ${result.id} (${result.revoked_grants} grant(s) revoked)`,
});

const revokeGrants = revokeGrantsCommand(records, 'log a person out everywhere', 'id');

const identities: Command = {
  name: 'identities',
  summary: 'show the upstream identities linked to an account',
  positionals: ['id-or-username'],
  options: { ...adminOptions },
  help: `usage: tollgate accounts identities <id-or-username> [--json]\n\n${adminOptionsHelp}`,
  async run(context) {
    const account = await connectAdminApi(context).call('GET', path(context.positionals[0] as string));
    const linked = (account.identities ?? []) as Array<Record<string, unknown>>;
    context.out.result(linked, () =>
      linked.length
        ? formatTable(linked, ['upstream', 'subject', 'username', 'email', 'groups', 'checked_at'])
        : `${account.username} has no linked identities`,
    );
  },
};

const unlink: Command = {
  name: 'unlink',
  summary: 'unlink an upstream identity from an account and end its logins',
  positionals: ['id-or-username', 'upstream', 'subject'],
  options: { ...adminOptions },
  help: `usage: tollgate accounts unlink <id-or-username> <upstream> <subject>

The person can no longer sign in with that identity, and every current login of the
account ends (they sign in again with what is left).

${adminOptionsHelp}`,
  async run(context) {
    const [account, upstream, subject] = context.positionals as [string, string, string];
    const api = connectAdminApi(context);
    const id = await accountId(api, account);
    const result = await api.call('DELETE', `${path(id)}/identities/${encodeURIComponent(upstream)}/${encodeURIComponent(subject)}`);
    context.out.result(result, () => `unlinked ${subject} at ${upstream} from ${result.username} (${result.revoked_grants} grant(s) revoked)`);
  },
};

export const accountsGroup: CommandGroup = {
  name: 'accounts',
  summary: 'create, list, get, update, delete accounts; set passwords; linked identities',
  commands: [create, list, get, update, setPassword, remove, revokeGrants, identities, unlink],
};
