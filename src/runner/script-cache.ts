import { prepareScript, type PreparedScript } from '../sql/prepare-script.js';
import type { ProcedureIndex } from '../sql/procedural-control.js';

/**
 * Parsed scripts shared by many runners: a fleet run applies the same files to hundreds of databases, and
 * parsing them once per distinct text (and server version, which decides what may run in a transaction)
 * instead of once per database is most of the CPU a run saves. A script that fails to parse fails alike for
 * every database, so the failure is remembered too. Prepared scripts are never modified after preparing.
 */
export class ScriptCache {
  private readonly scripts = new Map<string, PreparedScript | { error: unknown }>();

  /** `procedures`: the set's procedures that commit; one fleet run shares one migration set, so one index. */
  prepare(file: string, sql: string, serverVersionNum?: number, procedures?: () => ProcedureIndex): PreparedScript {
    // The text itself is the key: with per-target placeholder values each target's text is its own script.
    const key = `${serverVersionNum ?? ''}\u0000${file}\u0000${sql}`;
    let entry = this.scripts.get(key);
    if (!entry) {
      try {
        entry = prepareScript(file, sql, serverVersionNum, procedures);
      } catch (error) {
        entry = { error };
      }
      this.scripts.set(key, entry);
    }
    if ('error' in entry) throw entry.error;
    return entry;
  }
}
