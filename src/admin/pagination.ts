import { z } from 'zod';

import { invalidField } from '../errors.ts';

/** Query parameters every list endpoint takes. */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe('items per page'),
  cursor: z.string().max(1000).optional().describe('next_cursor of the previous page'),
  q: z.string().min(1).max(200).optional().describe('case-insensitive substring of the id or name'),
};

/** `disabled=true|false` keeps only disabled (or only enabled) principals. */
export const disabledFilter = z.enum(['true', 'false']).optional().describe('only disabled (true) or only enabled (false)');

/** Which page a list request asks for. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * Keyset pagination: items are ordered by `keyOf` (code-point order) and the cursor is the key
 * of a page's last item, so pages stay consistent while items are added or removed.
 */
export function paginate<T>(items: T[], keyOf: (item: T) => string, { limit, cursor }: PageRequest): Page<T> {
  const after = cursor === undefined ? undefined : decodeCursor(cursor);
  const sorted = items.map((item) => ({ item, key: keyOf(item) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter(({ key }) => key > after);
  const page = rest.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(({ item }) => item), nextCursor: rest.length > limit && last ? Buffer.from(last.key).toString('base64url') : null };
}

/** Case-insensitive substring match of `q` in any of the texts. */
export function matchesQuery(q: string | undefined, ...texts: (string | undefined)[]): boolean {
  if (q === undefined) return true;
  const needle = q.toLowerCase();
  return texts.some((text) => text?.toLowerCase().includes(needle));
}

function decodeCursor(cursor: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidField('cursor', 'is not a cursor this API returned');
  return Buffer.from(cursor, 'base64url').toString();
}
