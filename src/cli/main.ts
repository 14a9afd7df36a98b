#!/usr/bin/env node
import { AppError, appErrorCodes } from '../errors.ts';
import type { Command, CommandGroup } from './command.ts';
import { accountsGroup } from './commands/accounts.ts';
import { clientsGroup } from './commands/clients.ts';
import { keysGroup } from './commands/keys.ts';
import { loginCommand } from './commands/login.ts';
import { logoutCommand } from './commands/logout.ts';
import { resourcesGroup } from './commands/resources.ts';
import { publishersGroup } from './commands/publishers.ts';
import { resourceTokensGroup } from './commands/resource-tokens.ts';
import { seedGroup } from './commands/seed.ts';
import { upstreamsGroup } from './commands/upstreams.ts';
import { serveCommand } from './commands/serve.ts';
import { statusCommand } from './commands/status.ts';
import { tokenCommand } from './commands/token.ts';
import { trustedIssuersGroup } from './commands/trusted-issuers.ts';
import { createOutput } from './output.ts';
import { parseCommandLine } from './parse-command-line.ts';

/** The admin API's groups: authenticated as an admin client. */
const adminGroups: CommandGroup[] = [clientsGroup, accountsGroup, resourcesGroup, keysGroup, trustedIssuersGroup, seedGroup, upstreamsGroup];
/** The maintainers' groups: the self-service API, with the person's own login. */
const maintainerGroups: CommandGroup[] = [resourceTokensGroup, publishersGroup];
const groups = [...adminGroups, ...maintainerGroups];
const commands: Command[] = [serveCommand, loginCommand, statusCommand, tokenCommand, logoutCommand];

/** Names and summaries in two columns, the second starting two spaces after the longest name. */
function listing(entries: Array<{ name: string; summary: string }>): string {
  const width = Math.max(20, ...entries.map((entry) => entry.name.length)) + 2;
  return entries.map((entry) => `  ${entry.name.padEnd(width)}${entry.summary}`).join('\n');
}

const usage = `usage: tollgate <command> [options]

Run the server:
  serve                 start tollgate (the same as npm start)

Log in as a person (device flow):
${listing(commands.filter((command) => command !== serveCommand))}

Manage the APIs you maintain (self-service API; your own login:
tollgate login --resource urn:tollgate:self-service):
${listing(maintainerGroups)}

Administer (admin API; TOLLGATE_URL, TOLLGATE_ADMIN_CLIENT_ID, TOLLGATE_ADMIN_CLIENT_SECRET):
${listing(adminGroups)}

Every command takes --help, and --json for output meant for scripts.
Exit codes: 0 ok, 1 unexpected, 2 usage or invalid input, 3 not authenticated or not allowed,
4 not found, 5 conflict, 6 server unreachable or unavailable.`;

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const out = createOutput(json);
  try {
    const [first, second, ...rest] = argv;
    if (!first || first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(`${usage}\n`);
      return first ? 0 : 2;
    }
    const group = groups.find((candidate) => candidate.name === first);
    let command: Command | undefined;
    let args: string[];
    if (group) {
      command = group.commands.find((candidate) => candidate.name === second);
      if (!command) {
        const list = listing(group.commands);
        if (second === undefined || second === '--help' || second === '-h') {
          process.stdout.write(`usage: tollgate ${group.name} <command> [options]\n\n${list}\n`);
          return second ? 0 : 2;
        }
        throw new AppError('usage', `unknown command "${group.name} ${second}"; try tollgate ${group.name} --help`);
      }
      args = rest;
    } else {
      command = commands.find((candidate) => candidate.name === first);
      if (!command) throw new AppError('usage', `unknown command "${first}"; try tollgate --help`);
      args = second === undefined ? [] : [second, ...rest];
    }

    const { values, positionals } = parseCommandLine(args, command.options, command.positionals);
    if (values.help) {
      process.stdout.write(`${command.help.trim()}\n`);
      return 0;
    }
    await command.run({ values, positionals, env: process.env, out, stdin: process.stdin });
    return 0;
  } catch (error) {
    return report(error, out);
  }
}

/** Every failure: one line on stderr, the error as JSON on stdout with --json, a meaningful exit code. */
function report(error: unknown, out: ReturnType<typeof createOutput>): number {
  const known = error instanceof AppError && error.expose ? error : undefined;
  const code = known?.code ?? 'internal';
  const message = known?.message ?? `unexpected error: ${(error as Error)?.message ?? String(error)}`;
  out.note(`tollgate: ${message.split('\n')[0]}`);
  if (out.json) process.stdout.write(`${JSON.stringify({ error: code, message })}\n`);
  return appErrorCodes[code].exitCode;
}

process.exitCode = await main(process.argv.slice(2));
