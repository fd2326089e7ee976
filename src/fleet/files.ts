import type { Migration, MigrationSet } from '../core/migration.js';
import {
  placeholderUsesOf,
  unknownPlaceholderError,
  unknownPlaceholders,
  type PlaceholderUse,
} from '../core/placeholders.js';
import { DEFAULT_IGNORE } from '../core/file-names.js';
import { isDestructive } from '../lint/index.js';
import { lintTargets, type LintReport } from '../runner/lint-migrations.js';
import { ScriptCache } from '../runner/script-cache.js';
import { ensureParser, parseStatements } from '../sql/parser.js';
import { FileMigrationSource, type MigrationSource } from '../source/file-source.js';
import { CachedMigrationSource } from '../source/placeholder-source.js';
import type { FleetMember } from './fleet.js';

/**
 * A fleet run's files: read, checksummed and validated once (one cached source every target's runner shares),
 * each distinct script parsed once (a shared ScriptCache), linted once. Made anew for every run, so a run sees
 * the files as they are when it starts and keeps seeing exactly those.
 */
export class FleetFiles {
  readonly source: MigrationSource;
  readonly scripts = new ScriptCache();
  private uses: PlaceholderUse[] | undefined;
  private readonly destructiveFiles = new Map<string, boolean>();

  constructor(options: { dir?: string; ignore?: string[]; source?: MigrationSource }) {
    this.source = new CachedMigrationSource(
      options.source ?? new FileMigrationSource(options.dir ?? 'migrations', options.ignore ?? DEFAULT_IGNORE),
    );
  }

  async load(): Promise<MigrationSet> {
    const set = await this.source.load();
    await ensureParser();
    return set;
  }

  /**
   * Refuses before anything runs when a target has no value for a `${name}` its SQL uses: UNKNOWN_PLACEHOLDER
   * naming the target, and each file, line and name.
   */
  async checkPlaceholders(members: readonly FleetMember[]): Promise<void> {
    this.uses ??= placeholderUsesOf((await this.load()).migrations);
    for (const member of members) {
      const unknown = unknownPlaceholders(this.uses, member.values);
      if (unknown.length > 0) throw unknownPlaceholderError(unknown, member.values, member.name);
    }
  }

  /**
   * Whether any of these (a target's, placeholders replaced) is destructive by the linter's rules: decided once
   * per file for the run, since a placeholder's value (a schema's name) never makes a statement more or less so.
   */
  destructive(migrations: readonly Migration[], direction: 'up' | 'down'): boolean {
    return migrations.some((m) => {
      const file = direction === 'up' ? m.file : (m.downFile ?? m.file);
      let found = this.destructiveFiles.get(file);
      if (found === undefined) {
        found = isDestructive(parseStatements(direction === 'up' ? m.upSql : (m.downSql ?? ''), file));
        this.destructiveFiles.set(file, found);
      }
      return found;
    });
  }

  /** The linter's findings for `migrations` (one target's, in order), as `plan` shows them once for the fleet. */
  lint(migrations: readonly Migration[], disabledRules?: string[]): LintReport {
    return lintTargets(
      migrations.map((migration) => ({ migration, modified: false })),
      disabledRules,
    );
  }
}
