import { OgelError } from '../errors.js';
import { maskDatabaseUrl, maskSecrets } from './mask-secrets.js';

export { maskDatabaseUrl } from './mask-secrets.js';

/**
 * Replaces every password in a text: in anything that looks like a connection URL (however malformed),
 * `password=` parameters, JSON password fields and SQL `PASSWORD '…'` literals, so no output ever carries one.
 */
export function maskUrl(text: string): string {
  return maskSecrets(text);
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
    const shown = maskDatabaseUrl(url);
    // The usual cause: a password (or user) holding a character the URL syntax reserves. The hint comes before
    // the URL: an `@` after it would be read as the end of a password when the message is masked again.
    throw new OgelError(
      'INVALID_DATABASE_URL',
      'Malformed database URL (percent-encode a user name or password that holds @ : / ? # % or a blank: ' +
        `@ is %40, a blank %20): ${shown}`,
      { url: shown },
    );
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new OgelError(
      'INVALID_DATABASE_URL',
      `Database URL must start with postgres:// or postgresql:// (got ${maskDatabaseUrl(url)})`,
      { url: maskDatabaseUrl(url) },
    );
  }
  if (!parsed.hostname && !parsed.searchParams.get('host')) {
    const shown = maskDatabaseUrl(url);
    throw new OgelError('INVALID_DATABASE_URL', `Database URL has no host: ${shown}`, { url: shown });
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

/** The same server and credentials, another database (a scratch database, a restore's copy, `postgres`). */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

/** Host and database, never credentials: how a URL is named in logs and UIs. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}/${databaseNameOf(url)}`;
  } catch {
    return maskDatabaseUrl(url);
  }
}

/**
 * A URL for a client tool's command line (pg_dump, psql) and the environment that carries its password instead:
 * a command line is visible to every user of the machine (`ps`). Both the user info's password and `password`
 * parameters go to PGPASSWORD (a parameter wins, as in libpq); every other parameter stays in the URL.
 */
export function splitPassword(url: string): { url: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url);
  let password = decode(parsed.password);
  parsed.password = '';
  const kept: string[] = [];
  for (const pair of parsed.search.slice(1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    // Percent-decoding only: libpq does not read "+" as a blank, as URLSearchParams would.
    if (decode(eq === -1 ? pair : pair.slice(0, eq)) === 'password') password = decode(pair.slice(eq + 1));
    else kept.push(pair);
  }
  parsed.search = kept.length > 0 ? `?${kept.join('&')}` : '';
  return { url: parsed.toString(), env: password ? { PGPASSWORD: password } : {} };
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The names of this machine's own server: one spelling must not pass for another database. */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '0.0.0.0']);

/**
 * Whether two URLs name the same database (host, port and database; the role, the password and other
 * parameters do not matter: prod's database reached as another role is still prod): how a URL given on the
 * command line is recognised as a configured environment's. Loopback spellings (`localhost`, `127.0.0.1`,
 * `::1`) are one host, and `?host=` / `?port=` count as the URL's host and port.
 */
export function sameDatabase(a: string, b: string): boolean {
  const key = (url: string) => {
    try {
      const parsed = new URL(url);
      const named = (parsed.hostname || parsed.searchParams.get('host') || 'localhost').toLowerCase();
      const host = LOOPBACK.has(named) || named.startsWith('/') ? 'localhost' : named;
      const port = parsed.port || parsed.searchParams.get('port') || '5432';
      return `${host}:${port}/${databaseNameOf(url)}`;
    } catch {
      return `unparsable:${url}`;
    }
  };
  return key(a) === key(b);
}

/**
 * The driver's connection string for a URL: `sslmode` means what it means to libpq (psql, pg_dump), where
 * `require` encrypts without verifying the certificate — how hosted Postgres (Railway, Heroku) hands out URLs.
 * The driver alone would read `require` as `verify-full`, refuse such servers and print a warning; its
 * `uselibpqcompat` switch gives libpq's reading, unless the URL already chose.
 */
export function driverConnectionString(url: string): string {
  const checked = validateDatabaseUrl(url);
  const query = checked.indexOf('?');
  if (query === -1) return checked;
  const params = new URLSearchParams(checked.slice(query + 1));
  if (!params.has('sslmode') || params.has('uselibpqcompat')) return checked;
  return `${checked}&uselibpqcompat=true`;
}
