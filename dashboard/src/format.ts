/**
 * Who ran something, short: the client in `postgres via build-7 (token admin, pid 4242)` — the token's or the
 * CLI user's name — or the database role when the text has no client.
 */
export function clientOf(actor: string): string {
  return /\(([^,()]+), pid \d+\)/.exec(actor)?.[1] ?? actor.split(' ')[0] ?? actor;
}

const RUNNING: Record<string, string> = {
  migrate: 'Applying',
  rollback: 'Rolling back',
  restore: 'Restoring',
  backup: 'Taking a backup',
  verify: 'Testing rollbacks',
  drift: 'Checking drift',
};

/** An action in flight, in words: `Testing rollbacks`. */
export const runningText = (busy: string) => RUNNING[busy] ?? busy;
