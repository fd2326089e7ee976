/** Matches a file name against a simple glob (`*` and `?`), the only syntax ignore lists need. */
export function matchesGlob(name: string, pattern: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(name);
}
