import type { ParseArgsOptionsConfig } from 'node:util';

import { AppError } from '../errors.ts';
import type { Values } from './command.ts';

/** Filters the admin API's list endpoints share. */
export const listFilterOptions: ParseArgsOptionsConfig = {
  search: { type: 'string' },
  disabled: { type: 'boolean' },
  enabled: { type: 'boolean' },
};

export const listFilterHelp = `  --search TEXT             only those whose id or name contains TEXT (any case)
  --disabled, --enabled     only disabled, or only enabled, ones`;

/** The list endpoints' query parameters from the filter flags. */
export function listFilters(values: Values): Record<string, string | undefined> {
  if (values.disabled && values.enabled) throw new AppError('usage', '--disabled and --enabled exclude each other');
  return {
    q: values.search as string | undefined,
    disabled: values.disabled ? 'true' : values.enabled ? 'false' : undefined,
  };
}
