import { maskUrl } from '../db/url.js';
import type { Fleet } from './fleet.js';
import { fleetStatus, type FleetProgress } from './operations.js';
import { countStates, type FleetReport, type FleetState } from './report.js';

/** A fleet run in progress in this process, as far as it got. */
export interface FleetRunProgress {
  operation: 'migrate' | 'rollback';
  startedAt: string;
  total: number;
  done: number;
  running: number;
  counts: Record<FleetState, number>;
}

/**
 * What a long-running service knows of one fleet without asking every tenant on every request: the last
 * status of all its targets (refreshed in the background every `statusRefreshMs`, and after each run), the run
 * in progress and the last one. `/fleet`, `/fleets` and `/metrics` read from here, so a scrape or a dashboard
 * poll never fans out to a thousand databases; a refresh is one at a time, bounded by the fleet's concurrency.
 */
export class FleetMonitor {
  status: FleetReport | null = null;
  refreshedAt: string | null = null;
  error: string | null = null;
  run: FleetRunProgress | null = null;
  lastRun: FleetReport | null = null;
  private refreshing: Promise<FleetReport | null> | null = null;
  /** The status taken after the last run ended, while it is being taken. */
  private afterRun: Promise<unknown> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(readonly fleet: Fleet) {}

  /** Refreshes now and then every `statusRefreshMs`, in the background. */
  start(): void {
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.fleet.statusRefreshMs);
    this.timer.unref();
  }

  /** A new status of every target; concurrent callers share the one in flight. Never throws (see `error`). */
  refresh(): Promise<FleetReport | null> {
    if (this.stopped) return Promise.resolve(this.status);
    this.refreshing ??= fleetStatus(this.fleet)
      .then((report) => {
        this.status = report;
        this.refreshedAt = new Date().toISOString();
        this.error = null;
        return report;
      })
      .catch((error: unknown) => {
        this.error = maskUrl(error instanceof Error ? error.message : String(error));
        return null;
      })
      .finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /**
   * A status that began after this call: one already in flight may have read a target before the caller's
   * change (a run that just ended starts one), so it is waited for and a new one taken.
   */
  async fresh(): Promise<FleetReport | null> {
    if (this.refreshing) await this.refreshing;
    return this.refresh();
  }

  /** Follows a run: its progress while it goes, its report after, then a fresh status. */
  async track(
    operation: 'migrate' | 'rollback',
    start: (onProgress: (progress: FleetProgress) => void) => Promise<FleetReport>,
  ): Promise<FleetReport> {
    const progress: FleetRunProgress = {
      operation,
      startedAt: new Date().toISOString(),
      total: 0,
      done: 0,
      running: 0,
      counts: countStates([]),
    };
    this.run = progress;
    try {
      const report = await start((p) => {
        Object.assign(progress, { total: p.total, done: p.done, running: p.running });
        if (p.last) progress.counts[p.last.state]++;
      });
      if (!report.dryRun) this.lastRun = report;
      return report;
    } finally {
      if (this.run === progress) this.run = null;
      // A refresh already in flight may have read targets before the run changed them: take a new one.
      if (!this.stopped) {
        const after: Promise<unknown> = this.fresh().finally(() => {
          if (this.afterRun === after) this.afterRun = null;
        });
        this.afterRun = after;
      }
    }
  }

  /**
   * Waits for the status that follows the last run, if it is still being taken: a read right after a run
   * must not show the run's `lastRun` beside the counts from before it.
   */
  async settled(): Promise<void> {
    await this.afterRun;
  }

  /** Stops refreshing; waits for a refresh in flight, so no connection outlives the service. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.refreshing;
  }
}
