import type { AppErrorCode } from '../errors.ts';

/**
 * What `tollgate` exits with; README "CLI exit codes" lists the same table.
 *   0 success, 1 unexpected error, 2 usage or invalid input, 3 not authenticated or not allowed
 *   (also: not logged in, login denied or expired), 4 not found, 5 conflict, 6 server unreachable
 *   or unavailable.
 */
export const exitCodes: Record<AppErrorCode, number> = {
  usage: 2,
  invalid_field: 2,
  invalid_seed: 2,
  invalid_keys: 2,
  unauthorized: 3,
  forbidden: 3,
  not_found: 4,
  // Only the server raises it; the CLI calling a method an endpoint lacks would be a CLI bug.
  method_not_allowed: 1,
  conflict: 5,
  unreachable: 6,
  storage_unavailable: 6,
  internal: 1,
};
