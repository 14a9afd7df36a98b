import { z } from 'zod';

import { maxPriorityShape } from '../principals/max-priority.ts';

/** Shapes shared by the admin API's responses (see /admin/openapi.json). */
export const timestamp = z.iso.datetime({ offset: true });
export const maxPriorityView = maxPriorityShape.nullable();

/** What every failed admin call answers (rendered by the error middleware). */
export const errorView = z
  .object({
    error: z.string().describe('machine-readable code: invalid_field, not_found, conflict, unauthorized, ...'),
    error_description: z.string(),
    field: z.string().optional().describe('the offending field, for invalid_field'),
  })
  .strict();

/** A list page: `next_cursor` is passed back as `cursor` for the next page; null on the last. */
export function pageOf<K extends string, T extends z.ZodType>(key: K, item: T) {
  return z
    .object({ [key]: z.array(item), next_cursor: z.string().nullable() } as { [P in K]: z.ZodArray<T> } & { next_cursor: z.ZodNullable<z.ZodString> })
    .strict();
}
