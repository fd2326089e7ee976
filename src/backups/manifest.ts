/** Written in every manifest; a reader refuses one it does not know. */
export const MANIFEST_FORMAT = 'ogel-migrate-backup/1';
export const MANIFEST_SUFFIX = '.manifest.json';

/** A backup's id: when it was taken (sorts by time) and a few random hex digits (unique per store). */
export function newBackupId(at: Date, random: string): string {
  return `${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')}-${random}`;
}

export const dumpName = (id: string): string => `${id}.dump`;
export const manifestName = (id: string): string => `${id}${MANIFEST_SUFFIX}`;

/** The manifest's types; the schema that checks them is loaded only when a manifest is read (parseManifest). */
export type { BackupManifest, DatabaseProps, SchemaAccess } from './manifest-schema.js';
