const compiled = new Map<string, RegExp>();

/** Matches a file name against a simple glob (`*` and `?`), the only syntax ignore lists need. */
export function matchesGlob(name: string, pattern: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`);
    compiled.set(pattern, regex);
  }
  return regex.test(name);
}
