import { OgelError } from '../errors.js';
import { maskUrl } from '../db/url.js';

/** One target line of a targets file. */
export interface TargetLine {
  name?: string;
  url: string;
  /** `tenants.txt:4`, for errors. */
  where: string;
}

/**
 * A targets file: one URL per line, or `NAME URL` to name the target; blank lines and `#` comments are skipped.
 * The file usually carries passwords (it is the list of tenants' credentials): errors show lines masked. Pure.
 */
export function parseTargetsFile(file: string, text: string): TargetLine[] {
  const lines: TargetLine[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${file}:${index + 1}`;
    const parts = line.split(/\s+/);
    if (parts.length > 2 || (parts.length === 2 && !/^[\w.-]+$/.test(parts[0]!))) {
      throw new OgelError(
        'CONFIG_INVALID',
        `${where}: expected a URL or "NAME URL" (NAME of letters, digits, _ . -), got "${maskUrl(line)}"`,
        { file, line: index + 1 },
      );
    }
    lines.push(parts.length === 2 ? { name: parts[0]!, url: parts[1]!, where } : { url: parts[0]!, where });
  });
  return lines;
}
