import { authorize, LIBRARY, type Principal } from '../app/access.js';
import { isOgelError } from '../errors.js';
import { maskUrl } from '../db/url.js';
import { MigrationRunner } from '../runner/runner.js';
import type { VerifyReport } from '../verify/verify.js';
import type { Fleet, FleetMember } from './fleet.js';
import { FleetRun } from './run.js';
import { selectMembers, type FleetSelection } from './select.js';

/** The rollback test of one server a fleet's targets live on. */
export interface FleetServerVerify {
  /** `host:port`, or `embedded`. */
  server: string;
  /** How many of the fleet's targets live there. */
  targets: number;
  /** The target whose placeholder values the test ran with. */
  example: string;
  report: VerifyReport | null;
  error: { code: string; message: string } | null;
}

export interface FleetVerifyReport {
  fleet: string;
  ok: boolean;
  servers: FleetServerVerify[];
}

/**
 * Rollback testing for a fleet. Every target runs the same files, so testing them once per server suffices (a
 * server's version decides what may run in a transaction, and its scratch database is where verify works):
 * up, down, up again on a scratch database of each server, with the placeholder values of that server's first
 * target. `embedded` tests once on a private server. Never touches a target's own database.
 */
export async function fleetVerify(
  fleet: Fleet,
  options: FleetSelection & { embedded?: boolean; requireDown?: boolean; jobs?: number; signal?: AbortSignal } = {},
  principal: Principal = LIBRARY,
): Promise<FleetVerifyReport> {
  authorize(principal, fleet.name, 'read');
  const members = selectMembers(await fleet.members(), options);
  const groups = new Map<string, FleetMember[]>();
  for (const member of members) {
    const key = options.embedded ? 'embedded' : serverOf(member.databaseUrl);
    groups.set(key, [...(groups.get(key) ?? []), member]);
  }
  const run = new FleetRun(fleet, [], 1);
  try {
    await run.files.checkPlaceholders(members);
    const servers: FleetServerVerify[] = [];
    for (const [server, list] of groups) {
      const example = list[0]!;
      const runner = new MigrationRunner({
        ...fleet.runnerOptions,
        databaseUrl: example.databaseUrl,
        ...(example.schema ? { schema: example.schema } : {}),
        source: run.files.source,
        scripts: run.files.scripts,
        placeholders: example.values,
      });
      try {
        const report = await runner.verify({
          ...(options.embedded ? { embedded: true } : {}),
          ...(options.requireDown ? { requireDown: true } : {}),
          ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        servers.push({ server, targets: list.length, example: example.name, report, error: null });
      } catch (error) {
        const code = isOgelError(error) ? error.code : 'INTERNAL';
        const message = maskUrl(error instanceof Error ? error.message : String(error));
        servers.push({ server, targets: list.length, example: example.name, report: null, error: { code, message } });
      }
    }
    return { fleet: fleet.name, ok: servers.every((s) => s.report?.ok === true), servers };
  } finally {
    await run.close();
  }
}

function serverOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname || parsed.searchParams.get('host') || 'localhost'}:${parsed.port || '5432'}`;
}
