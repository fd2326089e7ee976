/**
 * Which backups retention removes: beyond the `keep` newest, and older than `keepDays`. Either rule alone, or
 * both (a backup goes when either says so). The newest backup always stays, whatever the rules say: retention
 * runs right after a backup, and must never remove the one just reported as taken. Pure; newest first in,
 * victims newest first out.
 */
export function backupsToPrune<T extends { id: string; createdAt: string }>(
  backups: readonly T[],
  keep: number | undefined,
  keepDays: number | undefined,
  now: Date,
): T[] {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  const cutoff = keepDays === undefined ? null : now.getTime() - keepDays * 86_400_000;
  return newestFirst.filter(
    (backup, index) =>
      index > 0 &&
      ((keep !== undefined && index >= keep) || (cutoff !== null && Date.parse(backup.createdAt) < cutoff)),
  );
}
