import { hostname, userInfo } from 'node:os';

/** Who is running: recorded in `applied_by`, events and the lock holder's application_name. */
export interface RunnerIdentity {
  host: string;
  pid: number;
  /** `cli`, `http`, `library`, … plus a user name where known. */
  client: string;
}

export function currentIdentity(client = 'library'): RunnerIdentity {
  let user = '';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (some containers): the role name still identifies the runner.
  }
  return { host: hostname(), pid: process.pid, client: user ? `${client}:${user}` : client };
}

/** Postgres truncates application_name at 63 bytes; keep the parts that identify the holder. */
export function applicationName(identity: RunnerIdentity, sinceEpochSeconds?: number): string {
  const since = sinceEpochSeconds === undefined ? '' : ` t=${sinceEpochSeconds}`;
  const prefix = `ogel-migrate p=${identity.pid}${since} h=`;
  return prefix + identity.host.slice(0, Math.max(1, 63 - prefix.length));
}
