import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where the CLI keeps a person's login: $XDG_CONFIG_HOME/tollgate, else ~/.config/tollgate. */
export function configDir(env: NodeJS.ProcessEnv): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'tollgate');
}
