const compiled = new Map<string, RegExp>();

/**
 * The anchored regular expression for a simple glob (`*` and `?`, the only syntax ignore lists need), compiled
 * once per pattern.
 */
export function globRegex(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    const source = pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.');
    regex = new RegExp(`^${source}$`);
    compiled.set(pattern, regex);
  }
  return regex;
}
