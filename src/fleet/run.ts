import type pg from 'pg';
import { backupServiceFor } from '../backups/for-workspace.js';
import type { BackupService } from '../backups/service.js';
import { createPool } from '../db/connect.js';
import { MigrationRunner } from '../runner/runner.js';
import type { Fleet, FleetMember } from './fleet.js';
import { FleetFiles } from './files.js';

/**
 * What one fleet operation shares across its targets: the files (read and parsed once) and, for a schema
 * fleet, one pool of `concurrency` connections to the database all its tenants live in. A database fleet
 * opens one connection per target at a time, so a worker never holds more than `concurrency`.
 */
export class FleetRun {
  readonly files: FleetFiles;
  private readonly pool: pg.Pool | null;

  constructor(
    readonly fleet: Fleet,
    members: readonly FleetMember[],
    concurrency: number,
  ) {
    const { dir, ignore, source } = fleet.runnerOptions;
    this.files = new FleetFiles({ dir, ignore, source });
    this.pool =
      fleet.kind === 'schemas' && members.length > 0
        ? createPool(members[0]!.databaseUrl, {
            max: concurrency,
            applicationName: `ogel-migrate fleet ${fleet.name} p=${process.pid}`,
          })
        : null;
  }

  /** The runner of one target: the fleet's settings, the shared files and parse cache, its own values. */
  runner(member: FleetMember): MigrationRunner {
    return new MigrationRunner({
      ...this.fleet.runnerOptions,
      ...(this.pool ? { pool: this.pool } : { databaseUrl: member.databaseUrl }),
      ...(member.schema ? { schema: member.schema } : {}),
      name: `${this.fleet.name}/${member.name}`,
      source: this.files.source,
      scripts: this.files.scripts,
      placeholders: member.values,
      // Never wait for a lock here: a target another run holds is come back to (see schedule()).
      lockWaitMs: 0,
    });
  }

  /** The backup service of one target (database fleets; backups are whole databases). */
  backups(member: FleetMember, runner: MigrationRunner): BackupService {
    const { loaded, context } = this.fleet;
    const workspace = {
      loaded,
      environment: null,
      runnerOptions: { ...this.fleet.runnerOptions, databaseUrl: member.databaseUrl },
      runner,
    };
    return backupServiceFor(
      workspace,
      context.env,
      context.cwd,
      this.fleet.backupDir ? { backupDir: this.fleet.backupDir } : {},
    );
  }

  async close(): Promise<void> {
    await this.pool?.end();
  }
}
