import type pg from 'pg';

/** A session holding a lock on a table a migration statement needed, when its lock_timeout fired. */
export interface LockBlocker {
  pid: number;
  relation: string;
  mode: string;
  applicationName: string | null;
  /** `active`, `idle in transaction`, … */
  state: string | null;
  /** When its transaction began. */
  since: string | null;
}

/**
 * Who holds locks on `relations` (names as written, resolved with this session's search_path), other than this
 * session: after a lock timeout, the sessions a retry is waiting out. Best effort: an error gives none.
 */
export async function lockBlockers(client: pg.ClientBase, relations: readonly string[]): Promise<LockBlocker[]> {
  if (relations.length === 0) return [];
  try {
    const result = await client.query<{
      pid: number;
      relation: string;
      mode: string;
      application_name: string | null;
      state: string | null;
      xact_start: Date | null;
    }>(
      `SELECT DISTINCT ON (l.pid) l.pid, l.relation::regclass::text AS relation, l.mode, a.application_name, a.state, a.xact_start
         FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid()
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND l.relation IN (SELECT to_regclass(r) FROM unnest($1::text[]) AS r)
        ORDER BY l.pid LIMIT 5`,
      [relations],
    );
    return result.rows.map((r) => ({
      pid: r.pid,
      relation: r.relation,
      mode: r.mode,
      applicationName: r.application_name || null,
      state: r.state,
      since: r.xact_start ? r.xact_start.toISOString() : null,
    }));
  } catch {
    return [];
  }
}

/** `pid 4242 (psql, idle in transaction since 2026-…, AccessShareLock on public.busy)`, for messages. */
export function describeBlockers(blockers: readonly LockBlocker[]): string {
  return blockers
    .map((b) => {
      const what = [b.applicationName, b.state && `${b.state}${b.since ? ` since ${b.since}` : ''}`]
        .filter(Boolean)
        .join(', ');
      return `pid ${b.pid} (${what ? `${what}, ` : ''}${b.mode} on ${b.relation})`;
    })
    .join(', ');
}
