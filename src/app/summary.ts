import { compareVersions, normalizeVersion } from '../core/version.js';
import type { StatusReport } from '../core/status.js';
import type { LockHolder } from '../db/advisory-lock.js';
import { maskUrl } from '../db/url.js';
import { authorize, type Principal } from './access.js';
import { settingsOf, type Target } from './target.js';

/** One environment at a glance: what the dashboard's cards show. */
export interface EnvironmentSummary {
  name: string;
  protected: boolean;
  after: string | null;
  writable: boolean;
  settings: ReturnType<typeof settingsOf>;
  status: Pick<StatusReport, 'table' | 'current' | 'counts'> | null;
  /** Versions the upstream applied that this environment has not: it lags behind. */
  behind: string[];
  /** Pending versions the upstream has not applied: promoting them would be refused. */
  blocked: string[];
  lock: LockHolder | null;
  drifted: boolean | null;
  error: string | null;
}

/**
 * Summaries of every target `principal` may read, each read once (an upstream's status is shared with the
 * environments that follow it). A target that cannot be read is summarised with its error, never dropped.
 */
export async function summarizeTargets(
  targets: ReadonlyMap<string, Target>,
  principal: Principal,
  lastDrift: ReadonlyMap<string, boolean>,
): Promise<EnvironmentSummary[]> {
  const visible = [...targets.values()].filter((t) => {
    try {
      authorize(principal, t.name, 'read');
      return true;
    } catch {
      return false;
    }
  });
  const reports = new Map<string, Promise<StatusReport>>();
  const reportOf = (target: Target) => {
    let report = reports.get(target.name);
    if (!report) {
      report = target.runner.status();
      report.catch(() => {});
      reports.set(target.name, report);
    }
    return report;
  };
  return Promise.all(
    visible.map(async (target): Promise<EnvironmentSummary> => {
      let writable = true;
      try {
        authorize(principal, target.name, 'write');
      } catch {
        writable = false;
      }
      const base = {
        name: target.name,
        protected: target.protected,
        after: target.upstream,
        writable,
        settings: settingsOf(target),
      };
      try {
        const [report, lock] = await Promise.all([reportOf(target), target.runner.lockHolder()]);
        const upstream = target.upstream ? targets.get(target.upstream) : undefined;
        const upstreamReport = upstream ? await reportOf(upstream).catch(() => null) : null;
        const { behind, blocked } = upstreamReport
          ? compareWithUpstream(report, upstreamReport)
          : { behind: [], blocked: [] };
        return {
          ...base,
          status: { table: report.table, current: report.current, counts: report.counts },
          behind,
          blocked,
          lock,
          drifted: lastDrift.get(target.name) ?? null,
          error: null,
        };
      } catch (error) {
        const message = maskUrl((error as Error).message);
        return { ...base, status: null, behind: [], blocked: [], lock: null, drifted: null, error: message };
      }
    }),
  );
}

/** Pure: what the upstream has applied that this one lacks, and what this one would run that it lacks. */
export function compareWithUpstream(
  report: StatusReport,
  upstream: StatusReport,
): { behind: string[]; blocked: string[] } {
  const applied = (r: StatusReport) =>
    new Map(r.migrations.filter((m) => m.row?.status === 'applied').map((m) => [normalizeVersion(m.version), m]));
  const upstreamApplied = applied(upstream);
  const here = applied(report);
  const behind = [...upstreamApplied.values()]
    .filter((m) => !here.has(normalizeVersion(m.version)))
    .map((m) => m.version)
    .sort(compareVersions);
  const blocked = report.migrations
    .filter((m) => m.state === 'pending')
    .filter((m) => {
      const up = upstreamApplied.get(normalizeVersion(m.version));
      return !up || up.row?.checksum !== m.checksum;
    })
    .map((m) => m.version);
  return { behind, blocked };
}
