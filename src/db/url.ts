import { OgelError } from '../errors.js';

/** Replaces the password in anything that looks like a connection URL, so no output ever carries one. */
export function maskUrl(text: string): string {
  // Cheap guards first: large outputs (status of 10,000 migrations) rarely contain either pattern. A URL needs
  // "//" (a rarer character to search for than the ":" of every JSON key) and a `password=` needs an "=" (a
  // plain search, much cheaper than a case-blind one over megabytes).
  if (!text.includes('//') && !(text.includes('=') && /password/i.test(text))) return text;
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@\s]*)@/gi, '$1****@')
    .replace(/\b(password\s*=\s*)('[^']*'|\S+)/gi, '$1****');
}

/**
 * Checks a connection URL before any connection attempt. Both `postgres://` and `postgresql://` are accepted;
 * anything else is a usage error that shows the URL with its password masked.
 */
export function validateDatabaseUrl(url: string | undefined): string {
  if (!url || url.trim() === '') {
    throw new OgelError('INVALID_DATABASE_URL', 'No database URL: pass --database-url or set DATABASE_URL');
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OgelError('INVALID_DATABASE_URL', `Malformed database URL: ${maskUrl(url)}`, { url: maskUrl(url) });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new OgelError(
      'INVALID_DATABASE_URL',
      `Database URL must start with postgres:// or postgresql:// (got ${maskUrl(url)})`,
      { url: maskUrl(url) },
    );
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) {
    throw new OgelError('INVALID_DATABASE_URL', `Database URL has no host: ${maskUrl(url)}`, { url: maskUrl(url) });
  }
  return url;
}

/** The database name in a URL, for messages. */
export function databaseNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'postgres';
  } catch {
    return '?';
  }
}

/** Host and database, never credentials: how a URL is named in logs and UIs. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}/${databaseNameOf(url)}`;
  } catch {
    return maskUrl(url);
  }
}

/**
 * Whether two URLs name the same database (host, port, database and role; the password and other parameters
 * do not matter): how a URL given on the command line is recognised as a configured environment's.
 */
export function sameDatabase(a: string, b: string): boolean {
  const key = (url: string) => {
    try {
      const parsed = new URL(url);
      const host = (parsed.hostname || parsed.searchParams.get('host') || 'localhost').toLowerCase();
      return `${decodeURIComponent(parsed.username)}@${host}:${parsed.port || '5432'}/${databaseNameOf(url)}`;
    } catch {
      return `unparsable:${url}`;
    }
  };
  return key(a) === key(b);
}
