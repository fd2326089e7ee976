import type { Command } from 'commander';
import type { CliContext } from '../context.js';

type Register = (program: Command, ctx: CliContext) => void;

/**
 * Every command, in the order help lists them, with the names it answers to and how to load it. Loaded on
 * demand: a command's module pulls in what it needs (the HTTP stack for `serve`, the verifier, importers, fleets),
 * and a process that runs one command should not compile and evaluate all of them first (see docs/benchmarks.md).
 */
export const COMMANDS: ReadonlyArray<{ names: readonly string[]; load: () => Promise<Register> }> = [
  { names: ['init'], load: async () => (await import('./init.js')).registerInit },
  { names: ['new'], load: async () => (await import('./new.js')).registerNew },
  { names: ['status'], load: async () => (await import('./status.js')).registerStatus },
  { names: ['plan', 'migrate', 'up'], load: async () => (await import('./migrate.js')).registerMigrate },
  { names: ['rollback', 'down'], load: async () => (await import('./rollback.js')).registerRollback },
  { names: ['baseline'], load: async () => (await import('./maintenance.js')).registerBaseline },
  { names: ['validate'], load: async () => (await import('./maintenance.js')).registerValidate },
  { names: ['repair'], load: async () => (await import('./maintenance.js')).registerRepair },
  { names: ['history'], load: async () => (await import('./maintenance.js')).registerHistory },
  { names: ['verify'], load: async () => (await import('./verify.js')).registerVerify },
  { names: ['drift'], load: async () => (await import('./drift.js')).registerDrift },
  { names: ['diff'], load: async () => (await import('./drift.js')).registerDiff },
  { names: ['adopt'], load: async () => (await import('./adopt.js')).registerAdopt },
  { names: ['import'], load: async () => (await import('./import.js')).registerImport },
  { names: ['serve'], load: async () => (await import('./serve.js')).registerServe },
  { names: ['lint'], load: async () => (await import('./lint.js')).registerLint },
  { names: ['ci'], load: async () => (await import('./ci.js')).registerCi },
  { names: ['backup', 'backups', 'restore'], load: async () => (await import('./backups.js')).registerBackups },
  { names: ['fleet'], load: async () => (await import('./fleet.js')).registerFleet },
];

/**
 * What to register for these arguments: the one command they name, or all of them (help, a typo that commander
 * should answer with a suggestion, no command at all).
 */
export async function commandsFor(argv?: readonly string[]): Promise<Register[]> {
  const named = argv?.[0];
  const one = named === undefined ? undefined : COMMANDS.find((c) => c.names.includes(named));
  return Promise.all((one ? [one] : COMMANDS).map((c) => c.load()));
}
