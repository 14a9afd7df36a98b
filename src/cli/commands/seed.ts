import { hashPassword } from '../../accounts/password-hash.ts';
import { generateClientSecret, hashClientSecret } from '../../clients/client-secret.ts';
import { AppError } from '../../errors.ts';
import type { Command, CommandGroup } from '../command.ts';
import { passwordHelp, passwordOptions, readPassword } from '../read-secret-input.ts';

const hashSecret: Command = {
  name: 'hash-secret',
  summary: 'generate a client secret and the secretHash for a seed file',
  options: {},
  help: `usage: tollgate seed hash-secret [--json]

Generates a 256-bit client secret and prints it with its hash, for "secretHash" in a seed file.
Give the secret to the service; only the hash goes into the seed. With TOLLGATE_SECRET_PEPPER
set, the hash is HMAC-SHA-256 with that pepper (the server needs the same pepper).`,
  async run({ env, out }) {
    const secret = generateClientSecret();
    const hash = hashClientSecret(secret, env.TOLLGATE_SECRET_PEPPER || undefined);
    out.result({ secret, secretHash: hash }, () => `secret:      ${secret}\nsecretHash:  ${hash}`);
  },
};

const hashPasswordCommand: Command = {
  name: 'hash-password',
  summary: 'print the passwordHash (scrypt) of a password, for a seed file',
  options: { ...passwordOptions },
  help: `usage: tollgate seed hash-password (--password-stdin | --password-env NAME | --generate-password)

Prints the scrypt hash of a password, for "passwordHash" in a seed file.
${passwordHelp}`,
  async run(context) {
    const password = await readPassword(context);
    if (!password) throw new AppError('usage', 'a password is needed: --password-stdin, --password-env NAME or --generate-password');
    const hash = await hashPassword(password.password);
    context.out.result({ passwordHash: hash, ...(password.generated ? { password: password.password } : {}) }, () =>
      password.generated ? `password:      ${password.password}\npasswordHash:  ${hash}` : hash,
    );
  },
};

export const seedGroup: CommandGroup = {
  name: 'seed',
  summary: 'make secretHash / passwordHash values for a seed file',
  commands: [hashSecret, hashPasswordCommand],
};
