/**
 * Where the CLI writes: results to stdout (as JSON with --json, for scripts), everything meant
 * for a person only (instructions, warnings, errors) to stderr so it never pollutes a pipe.
 */
export interface Output {
  json: boolean;
  /** A command's result: `human()` is printed unless --json, which prints `value`. */
  result(value: unknown, human: () => string): void;
  /** A line for the person at the terminal (stderr). */
  note(text: string): void;
}

export function createOutput(json: boolean, stdout: NodeJS.WritableStream = process.stdout, stderr: NodeJS.WritableStream = process.stderr): Output {
  return {
    json,
    result(value, human) {
      const text = json ? JSON.stringify(value, null, 2) : human();
      if (text) stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    },
    note(text) {
      stderr.write(`${text}\n`);
    },
  };
}

/** `key: value` lines, keys aligned; nested values as compact JSON. */
export function formatFields(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  return Object.entries(record)
    .map(([key, value]) => `${`${key}:`.padEnd(width + 2)}${formatValue(value)}`)
    .join('\n');
}

/** A plain table with a header row; columns are keys of the rows. */
export function formatTable(rows: Array<Record<string, unknown>>, columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((column) => formatValue(row[column])));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((row) => (row[index] as string).length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index] as number))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.toUpperCase())), ...cells.map(line)].join('\n');
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.length === 0 ? '-' : value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(' ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
