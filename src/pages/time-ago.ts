/** "just now", "40 seconds ago", "2 minutes ago", "1 hour ago": when the device asked for its code. */
export function timeAgo(seconds: number): string {
  const plural = (count: number, unit: string) => `${count} ${unit}${count === 1 ? '' : 's'} ago`;
  if (seconds < 10) return 'just now';
  if (seconds < 60) return plural(Math.floor(seconds), 'second');
  if (seconds < 3600) return plural(Math.floor(seconds / 60), 'minute');
  return plural(Math.floor(seconds / 3600), 'hour');
}
