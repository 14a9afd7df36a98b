/**
 * The declared option an unknown one was most likely meant to be (`--scopes` → `scope`), by
 * edit distance, or undefined when none is close enough to be a plausible typo.
 */
export function closestOption(unknown: string, declared: string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of declared) {
    const distance = editDistance(unknown, name);
    if (!best || distance < best.distance) best = { name, distance };
  }
  // A prefix (`--resour`) or up to a third of the letters wrong still reads as a typo.
  const prefixed = declared.filter((name) => name.startsWith(unknown) || unknown.startsWith(name));
  if (prefixed.length === 1) return prefixed[0];
  return best && best.distance <= Math.max(2, Math.floor(unknown.length / 3)) ? best.name : undefined;
}

/** Levenshtein distance with one row of memory. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
