import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { JWK } from 'jose';

import { AppError } from '../../errors.ts';
import { addKey, describeKeys, promoteKey, retireKey } from '../../keys/key-rotation.ts';
import { algFor, generateSigningKey, parsePrivateJwks } from '../../keys/signing-keys.ts';
import { signingAlgs, type SigningAlg } from '../../resources/resource-server-record.ts';
import type { Command, CommandContext, CommandGroup } from '../command.ts';
import { stringOption } from '../option-values.ts';
import { formatTable } from '../output.ts';
import { adminOptions, adminOptionsHelp } from '../admin-api.ts';
import { importKeys, listStoredKeys, revoke, rotate, schedule } from './store-keys.ts';

const fileOption = { file: { type: 'string', short: 'f' } } as const;
const fileHelp = '  --file FILE               the private JWKS (default: $TOLLGATE_JWKS_FILE)';

function algOption(context: CommandContext): SigningAlg {
  const alg = stringOption(context.values, 'alg') ?? 'ES256';
  if (!(signingAlgs as readonly string[]).includes(alg)) throw new AppError('usage', `--alg must be one of ${signingAlgs.join(', ')}`);
  return alg as SigningAlg;
}

function jwksFile(context: CommandContext): string {
  const file = stringOption(context.values, 'file') ?? context.env.TOLLGATE_JWKS_FILE;
  if (!file) throw new AppError('usage', 'which JWKS? --file FILE or TOLLGATE_JWKS_FILE');
  return file;
}

function readKeys(file: string): JWK[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('invalid_keys', `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return parsePrivateJwks(text, file);
  } catch (error) {
    if (error instanceof AppError && error.code === 'invalid_config') throw new AppError('invalid_keys', error.message);
    throw error;
  }
}

/** Private keys: written whole (temp file + rename), readable by the owner only. */
function writeKeys(file: string, keys: JWK[]): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ keys }, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

function showKeys(keys: JWK[]) {
  const roles = describeKeys(keys);
  return { roles, text: formatTable(roles as unknown as Array<Record<string, unknown>>, ['kid', 'alg', 'role']) };
}

const generate: Command = {
  name: 'generate',
  summary: 'print a new private JWKS (or write it with --out)',
  options: { alg: { type: 'string' }, out: { type: 'string' } },
  help: `usage: tollgate keys generate [--alg ES256|RS256|EdDSA] [--out FILE]

Prints a private JWKS with one new key (kid = its RFC 7638 thumbprint), for TOLLGATE_JWKS_FILE
or TOLLGATE_JWKS. With --out it is written to FILE (mode 0600) instead; an existing file is
not overwritten. Repeat with "keys add" to have keys of several types.`,
  async run(context) {
    const jwk = await generateSigningKey(algOption(context));
    const out = stringOption(context.values, 'out');
    if (!out) {
      context.out.result({ keys: [jwk] }, () => JSON.stringify({ keys: [jwk] }, null, 2));
      return;
    }
    if (existsSync(out)) throw new AppError('conflict', `${out} exists; use "tollgate keys add --file ${out}" to add a key to it`);
    writeKeys(out, [jwk]);
    context.out.result({ file: out, kid: jwk.kid }, () => `wrote ${out} with ${algFor(jwk)} key ${jwk.kid}`);
  },
};

const list: Command = {
  name: 'list',
  summary: 'show the keys and which ones sign (a JWKS file, or the store)',
  options: { ...fileOption, ...adminOptions },
  help: `usage: tollgate keys list [--file FILE] [--json]

With --file (or TOLLGATE_JWKS_FILE and no admin credentials): the keys of that file. Otherwise
the keys in the store (keys.source "store") with state and dates, through the admin API.
${fileHelp}

${adminOptionsHelp}`,
  async run(context) {
    const file = stringOption(context.values, 'file');
    const adminCredentials = context.values['client-id'] ?? context.env.TOLLGATE_ADMIN_CLIENT_ID;
    if (!file && (adminCredentials || !context.env.TOLLGATE_JWKS_FILE)) return listStoredKeys(context);
    const { roles, text } = showKeys(readKeys(jwksFile(context)));
    context.out.result(roles, () => text);
  },
};

const add: Command = {
  name: 'add',
  summary: 'rotation step 1: publish a new key that does not sign yet',
  options: { ...fileOption, alg: { type: 'string' } },
  help: `usage: tollgate keys add [--file FILE] [--alg ES256|RS256|EdDSA]

Adds a new key after the existing ones of its type: it is published in the JWKS but does not
sign (unless it is the first key of its type). Deploy the file to every instance, then wait
until resource servers have refetched the JWKS before "keys promote".
${fileHelp}`,
  async run(context) {
    const file = jwksFile(context);
    const jwk = await generateSigningKey(algOption(context));
    const keys = addKey(readKeys(file), jwk);
    writeKeys(file, keys);
    const { roles, text } = showKeys(keys);
    context.out.result(
      { added: jwk.kid, keys: roles },
      () =>
        `added ${jwk.kid}\n\n${text}\n\nnext: deploy ${file}; once every resource server has refetched the JWKS, run: tollgate keys promote --file ${file} --kid ${jwk.kid}`,
    );
  },
};

const promote: Command = {
  name: 'promote',
  summary: 'rotation step 2: make a published key the signing key',
  options: { ...fileOption, kid: { type: 'string' } },
  help: `usage: tollgate keys promote --kid KID [--file FILE]

Moves the key first among its type, so it signs; the key it replaces stays published so the
tokens it signed keep verifying. Deploy the file to every instance.
${fileHelp}`,
  async run(context) {
    const kid = stringOption(context.values, 'kid');
    if (!kid) throw new AppError('usage', '--kid is required');
    const file = jwksFile(context);
    const before = describeKeys(readKeys(file));
    const keys = promoteKey(readKeys(file), kid);
    writeKeys(file, keys);
    const alg = before.find((key) => key.kid === kid)?.alg;
    const replaced = before.find((key) => key.alg === alg && key.role === 'signing' && key.kid !== kid)?.kid;
    const { roles, text } = showKeys(keys);
    const next = replaced
      ? `\n\nnext: deploy ${file}; after the longest access-token lifetime has passed (every token ${replaced} signed has expired), run: tollgate keys retire --file ${file} --kid ${replaced}`
      : '';
    context.out.result({ promoted: kid, replaced: replaced ?? null, keys: roles }, () => `${kid} now signs ${alg} tokens\n\n${text}${next}`);
  },
};

const retire: Command = {
  name: 'retire',
  summary: 'rotation step 3: remove a key that no longer signs',
  options: { ...fileOption, kid: { type: 'string' } },
  help: `usage: tollgate keys retire --kid KID [--file FILE]

Removes a key that no longer signs. Do it only after every token it signed has expired: tokens
signed with a removed key stop verifying. Refused for a key that still signs.
${fileHelp}`,
  async run(context) {
    const kid = stringOption(context.values, 'kid');
    if (!kid) throw new AppError('usage', '--kid is required');
    const file = jwksFile(context);
    const keys = retireKey(readKeys(file), kid);
    writeKeys(file, keys);
    const { roles, text } = showKeys(keys);
    context.out.result({ retired: kid, keys: roles }, () => `removed ${kid}\n\n${text}\n\nnext: deploy ${file}`);
  },
};

export const keysGroup: CommandGroup = {
  name: 'keys',
  summary: 'signing keys: list, rotate, revoke, schedule, import (store); generate, add, promote, retire (file)',
  commands: [generate, list, schedule, rotate, revoke, importKeys, add, promote, retire],
};
