import { readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';

/** Who is running: recorded in `applied_by`, events and the lock holder's application_name. */
export interface RunnerIdentity {
  host: string;
  pid: number;
  /** `cli`, `http`, `library`, … plus a user name where known. */
  client: string;
}

export function currentIdentity(client = 'library'): RunnerIdentity {
  const user = osUser();
  return { host: hostname(), pid: process.pid, client: user ? `${client}:${user}` : client };
}

/**
 * The OS user. Node reads the passwd entry; Bun's userInfo() answers "unknown" when $USER is unset (as in
 * containers and CI), so the passwd entry of our uid is looked up directly, then $USER / $LOGNAME.
 */
export function osUser(): string {
  let name = '';
  try {
    name = userInfo().username;
  } catch {
    // No passwd entry (some containers): the role name still identifies the runner.
  }
  if (name && name !== 'unknown') return name;
  return passwdName() ?? process.env.USER ?? process.env.LOGNAME ?? '';
}

function passwdName(): string | undefined {
  const uid = process.getuid?.();
  if (uid === undefined) return undefined;
  try {
    const line = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((entry) => entry.split(':')[2] === String(uid));
    return line?.split(':')[0] || undefined;
  } catch {
    return undefined;
  }
}

/** Postgres truncates application_name at 63 bytes; keep the parts that identify the holder. */
export function applicationName(identity: RunnerIdentity, sinceEpochSeconds?: number): string {
  const since = sinceEpochSeconds === undefined ? '' : ` t=${sinceEpochSeconds}`;
  const prefix = `ogel-migrate p=${identity.pid}${since} h=`;
  return prefix + identity.host.slice(0, Math.max(1, 63 - prefix.length));
}
