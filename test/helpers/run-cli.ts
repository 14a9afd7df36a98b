import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

import type { RunningServer } from '../../src/server.ts';

const main = join(process.cwd(), 'src/cli/main.ts');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json<T = Record<string, unknown>>(): T;
}

/** The CLI as a user runs it: a separate process, a clean environment plus `env`. */
export function spawnCli(args: string[], env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [main, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

export function runCli(args: string[], env: Record<string, string> = {}, input?: string): Promise<CliRun> {
  return finished(spawnCli(args, env), input);
}

export function finished(child: ChildProcess, input?: string): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  if (input !== undefined) child.stdin?.end(input);
  else child.stdin?.end();
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) =>
      resolve({
        code,
        stdout,
        stderr,
        json<T>() {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`not JSON (exit ${code}):\n${stdout}\n${stderr}`);
          }
        },
      }),
    );
  });
}

/** The environment that points the admin commands of the CLI at a test server's demo admin client. */
export function demoAdminEnv(server: RunningServer): Record<string, string> {
  return {
    TOLLGATE_URL: server.url,
    TOLLGATE_ADMIN_CLIENT_ID: server.tollgate.demo?.adminClientId as string,
    TOLLGATE_ADMIN_CLIENT_SECRET: server.tollgate.demo?.adminClientSecret as string,
  };
}

/** What `tollgate login` prints on stderr for the person: the page to open and the code, or undefined if it exits first. */
export function loginPrompt(child: ChildProcess): Promise<{ uri: string; code: string } | undefined> {
  let stderr = '';
  return new Promise((resolve) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const uri = /^ {4}(http\S+)$/m.exec(stderr)?.[1];
      const code = /enter the code: +(\S+)/.exec(stderr)?.[1];
      if (uri && code) resolve({ uri, code });
    });
    child.once('close', () => resolve(undefined));
  });
}
