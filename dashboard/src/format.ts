import type { FleetState } from './api.js';

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

/** A fleet target's state in words, in the contract's order (every state it defines has one). */
export const FLEET_STATES: Record<FleetState, string> = {
  'up-to-date': 'up to date',
  behind: 'behind',
  applied: 'applied',
  reverted: 'reverted',
  failed: 'failed',
  'not-reached': 'not reached',
  unreachable: 'unreachable',
};

/** The states that need someone's attention (the server lists those targets as failing). */
export const FAILING_STATES: ReadonlySet<FleetState> = new Set(['failed', 'unreachable']);

/** Counts by state as a short line, the empty ones left out: `1 up to date · 2 behind · 1 failed`. */
export function countsText(counts: Record<FleetState, number>): string {
  const states = Object.keys(FLEET_STATES) as FleetState[];
  const parts = states.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${FLEET_STATES[s]}`);
  return parts.join(' · ') || 'no targets';
}
