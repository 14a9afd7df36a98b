import type { ParseArgsOptionsConfig } from 'node:util';

import type { Output } from './output.ts';

export type Values = Record<string, string | boolean | string[] | boolean[] | undefined>;

/** What every command gets: its parsed arguments, the environment, and where to write. */
export interface CommandContext {
  values: Values;
  positionals: string[];
  env: NodeJS.ProcessEnv;
  out: Output;
  stdin: NodeJS.ReadableStream;
}

/** One runnable command, e.g. `tollgate clients create`. `help` is shown by --help. */
export interface Command {
  name: string;
  summary: string;
  help: string;
  options: ParseArgsOptionsConfig;
  /** Names of the positional arguments, in order; `?` marks an optional one. */
  positionals?: string[];
  run(context: CommandContext): Promise<void>;
}

/** A group of commands under one word, e.g. `tollgate clients ...`. */
export interface CommandGroup {
  name: string;
  summary: string;
  commands: Command[];
}
