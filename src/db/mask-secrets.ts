/**
 * Masking of passwords in text that leaves the process: messages, logs, JSON, stored error texts. Two entry
 * points: {@link maskSecrets} for free text, where a URL is found by its shape, and {@link maskDatabaseUrl} for a
 * string known to be one connection URL (what a user typed), where the structure decides. Both err on the side
 * of masking too much: a message that shows `****` where a host was is better than one that shows a password.
 */

const MASK = '****';

/** `postgres://`, also as typed by mistake (`postgres//`, `postgres:/`), or any `scheme://`. */
const URL_START = /\b(?:[a-z][a-z0-9+.-]*:\/\/|postgres(?:ql)?(?::\/|\/\/))/gi;
/** A URL at the start of a word: where the previous URL's text ends at the latest. */
const NEXT_URL = /\s(?:[a-z][a-z0-9+.-]*:\/\/|postgres(?:ql)?(?::\/|\/\/))/gi;
/** `?password=` / `&sslpassword=` in a URL: the value ends at the next parameter. */
const URL_PARAMETER = /([?&]\w*password=)[^&#\s]*/gi;
/**
 * `PGPASSWORD=…` as the environment prints it (`env`, a tool's debug output): the value is everything to the end
 * of the line, blanks included, since nothing in it is quoted.
 */
const ENVIRONMENT_VALUE = /(^|[\s,;('"])(PGPASSWORD=)[^\r\n]*/gm;
/**
 * `password=…` in a keyword/value connection string: a quoted value (also with its quotes doubled, as when the
 * string is itself inside an SQL literal: `'… password=''top secret'' …'`), else up to a blank.
 */
const KEYWORD_VALUE = /(^|[\s,;('"])(\w*password\s*=\s*)(?:''(?:[^']|'''')*''|'(?:[^'\\]|\\.|'')*'|[^\s'"]+)/gim;
/** A JSON field named like a password. */
const JSON_FIELD = /("\w*password"\s*:\s*)"(?:[^"\\]|\\.)*"/gi;
/** SQL: `CREATE ROLE … PASSWORD 'secret'`, `ALTER USER … ENCRYPTED PASSWORD 'secret'`. */
const SQL_LITERAL = /(\bpassword\s+)'(?:[^']|'')*'/gi;
/** The same with an escape string, where a backslash escapes a quote: `PASSWORD E'it\'s'`. */
const SQL_ESCAPE_LITERAL = /(\bpassword\s+)[eE]'(?:[^'\\]|\\.|'')*'/gi;

/**
 * Replaces every password in `text`: in connection URLs of any shape (an unencoded `@`, `/`, `#` or blank in the
 * password, a missing `:` after the scheme), `password=` parameters, JSON fields and SQL literals.
 */
export function maskSecrets(text: string): string {
  // Cheap guards: large outputs (status of 10,000 migrations) rarely contain either; a plain search for "//"
  // and a case-blind one only when there is no URL.
  const hasUrl = text.includes('//') || /postgres(?:ql)?:\//i.test(text);
  const hasWord = /password/i.test(text);
  if (!hasUrl && !hasWord) return text;
  // Parameters first: an `@` in a parameter's password must not pass for the end of the URL's user info.
  let masked = hasWord ? text.replace(URL_PARAMETER, `$1${MASK}`) : text;
  if (hasUrl) masked = maskUserinfo(masked);
  if (!hasWord) return masked;
  return masked
    .replace(ENVIRONMENT_VALUE, `$1$2${MASK}`)
    .replace(KEYWORD_VALUE, `$1$2${MASK}`)
    .replace(JSON_FIELD, `$1"${MASK}"`)
    .replace(SQL_ESCAPE_LITERAL, `$1E'${MASK}'`)
    .replace(SQL_LITERAL, `$1'${MASK}'`);
}

/**
 * One connection URL as typed, password masked wherever it is: everything between the user name's `:` and the
 * last `@` (the host follows the last one: WHATWG's and libpq's rule), and `password` parameters to the end of
 * their value, blanks included.
 */
export function maskDatabaseUrl(url: string): string {
  // Parameters first (to their end, blanks included): an `@` in one must not pass for the end of the user info.
  let masked = url.replace(/([?&]\w*password=)[^&#]*/gi, `$1${MASK}`);
  // The scheme, also mistyped (`postgres//`, `postgres:/`); without one the user info starts the string.
  const start = /^\s*(?:[a-z][a-z0-9+.-]*:\/\/|postgres(?:ql)?(?::\/|\/\/))?/i.exec(masked)![0].length;
  const at = masked.lastIndexOf('@');
  let colon = masked.indexOf(':', start);
  // Not a postgres URL, so its shape is a guess (`a://pass@host` may be a password starting with //): from
  // the first colon.
  if (!(colon !== -1 && colon < at) && !/^\s*postgres(?:ql)?[:/]/i.test(masked)) colon = masked.indexOf(':');
  if (at > start && colon !== -1 && colon < at) masked = `${masked.slice(0, colon + 1)}${MASK}${masked.slice(at)}`;
  return maskSecrets(masked);
}

/** `user:password@` after each URL start: the password runs to the last `@` before the host. */
function maskUserinfo(text: string): string {
  let out = '';
  let copied = 0;
  for (const match of text.matchAll(URL_START)) {
    const begin = match.index + match[0].length;
    if (begin < copied) continue;
    const colon = userEnd(text, begin);
    if (colon === -1) continue;
    const at = passwordEnd(text, colon + 1);
    if (at === -1) continue;
    out += `${text.slice(copied, colon + 1)}${MASK}`;
    copied = at;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

/** Index of the `:` that ends the user name at `from`, or -1 when no password follows. */
function userEnd(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (c === ':') return i;
    if (c === '@' || c === '/' || c === '?' || c === '#' || /\s/.test(c)) return -1;
  }
  return -1;
}

/**
 * Index of the `@` that ends a password starting at `from`, or -1 (then it was a host and port): the last `@`
 * on the line before the next URL that starts a word. Not the last of the URL's own word: a password may hold
 * blanks (`p@ss word`), and a host cannot hold an `@`.
 */
function passwordEnd(text: string, from: number): number {
  let limit = endOf(text, from, /\n/);
  NEXT_URL.lastIndex = from;
  const next = NEXT_URL.exec(text);
  if (next && next.index < limit) limit = next.index;
  const at = text.lastIndexOf('@', limit - 1);
  return at >= from ? at : -1;
}

function endOf(text: string, from: number, stop: RegExp): number {
  for (let i = from; i < text.length; i++) if (stop.test(text[i]!)) return i;
  return text.length;
}
