import type { MigrationSet } from '../core/migration.js';
import { applyPlaceholders, type PlaceholderValues } from '../core/placeholders.js';
import type { MigrationSource } from './file-source.js';

/**
 * Another source's migrations with `${name}` placeholders replaced by one target's values (src/core/placeholders.ts).
 * Checksums stay the files' own, so every target records the template's checksum; an unknown placeholder fails
 * the load, which every operation does before anything runs.
 */
export class PlaceholderSource implements MigrationSource {
  constructor(
    readonly inner: MigrationSource,
    readonly values: PlaceholderValues,
  ) {}

  async load(): Promise<MigrationSet> {
    return applyPlaceholders(await this.inner.load(), this.values);
  }
}

/**
 * Loads another source once and hands every caller the same set: a fleet run reads, checksums and validates
 * its files once for hundreds of targets. A failed load is remembered too (every target would fail alike).
 */
export class CachedMigrationSource implements MigrationSource {
  private loaded: Promise<MigrationSet> | undefined;
  constructor(readonly inner: MigrationSource) {}

  load(): Promise<MigrationSet> {
    return (this.loaded ??= this.inner.load());
  }
}
