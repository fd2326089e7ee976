import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskDatabaseUrl, maskUrl, validateDatabaseUrl } from '../../src/db/url.js';

// Everything around a password is lower-case, every password holds an upper-case letter: a leak of any part of
// a password shows as an upper-case letter in the output.
const lower = (chars: string, min = 1, max = 8) =>
  fc.string({ unit: fc.constantFrom(...chars.split('')), minLength: min, maxLength: max });
const word = lower('abcdefghijklmnopqrstuvwxyz0123456789');
const password = fc
  .tuple(
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('')), minLength: 1, maxLength: 4 }),
    fc.string({ unit: fc.constantFrom(...'ABCXYZ019@:/#?&=% \'"!$+-_.,;()[]*'.split('')), maxLength: 12 }),
  )
  .chain(([core, extra]) => fc.shuffledSubarray([...core, ...extra], { minLength: core.length + extra.length }))
  .map((chars) => chars.join(''))
  .filter((p) => /[A-Z]/.test(p));
const typedScheme = ['postgres://', 'postgresql://', 'postgres//', 'postgresql//', 'postgres:/', 'postgresql:/'];
const scheme = fc.constantFrom(...typedScheme, '');
const port = fc.option(
  fc.integer({ min: 1, max: 65535 }).map((n) => `:${n}`),
  { nil: '' },
);
const params = fc.array(
  fc.tuple(word, word).map(([k, v]) => `${k}=${v}`),
  { maxLength: 3 },
);
// A query password: what a URL can carry in a parameter value (no unencoded & or #).
const queryPassword = password.map((p) => p.replace(/[&#\s]/g, 'Q'));

const urlWith = (scheme: fc.Arbitrary<string>) =>
  fc
    .record({ scheme, user: lower('abcdefghijklmnopqrstuvwxyz0123456789_', 0), password, host: word, port, db: word })
    // Without a scheme, `user://…` is a scheme and an authority to any URL parser (ours and WHATWG's alike):
    // such a password would make the expected masking ambiguous, not reveal a leak.
    .filter((parts) => parts.scheme !== '' || !parts.password.startsWith('//'))
    .chain((parts) =>
      fc.record({ parts: fc.constant(parts), params, secretParam: fc.option(queryPassword, { nil: undefined }) }),
    )
    .map(({ parts, params, secretParam }) => {
      const query = [...params, ...(secretParam === undefined ? [] : [`password=${secretParam}`])];
      const q = (list: string[]) => (list.length ? `?${list.join('&')}` : '');
      const authority = `${parts.host}${parts.port}/${parts.db}`;
      return {
        url: `${parts.scheme}${parts.user}:${parts.password}@${authority}${q(query)}`,
        masked: `${parts.scheme}${parts.user}:****@${authority}${q([...params, ...(secretParam === undefined ? [] : ['password=****'])])}`,
      };
    });
const url = urlWith(scheme);
// In free text a URL is recognised by its scheme.
const urlInText = urlWith(fc.constantFrom(...typedScheme));
const prose = lower('abcdefghijklmnopqrstuvwxyz0123456789 ,.:()', 0, 30);

describe('password masking (properties)', () => {
  it('a URL as typed: exactly the password and the password parameter are masked, whatever they hold', () => {
    fc.assert(
      fc.property(url, ({ url, masked }) => {
        expect(maskDatabaseUrl(url)).toBe(masked);
      }),
      { numRuns: 3000 },
    );
  });

  it('free text: no part of a password survives, the text around it does, and masking twice changes nothing', () => {
    fc.assert(
      fc.property(prose, urlInText, prose, (before, { url }, after) => {
        const text = `${before} ${url} ${after}`;
        const once = maskUrl(text);
        expect(once).not.toMatch(/[A-Z]/);
        expect(once.startsWith(before)).toBe(true);
        expect(maskUrl(once)).toBe(once);
      }),
      { numRuns: 3000 },
    );
  });

  it('malformed URLs in usage errors never show the password', () => {
    fc.assert(
      fc.property(url, ({ url }) => {
        let message = '';
        let details = '';
        try {
          validateDatabaseUrl(url);
          return;
        } catch (error) {
          message = (error as Error).message;
          details = JSON.stringify((error as { details: unknown }).details);
        }
        const ours =
          /^(Malformed database URL|Database URL must start with postgres:\/\/ or postgresql:\/\/ \(got|Database URL has no host):?/;
        expect(message).toMatch(ours);
        expect(message.replace(ours, '')).not.toMatch(/[A-Z]/);
        expect(details).not.toMatch(/[A-Z]/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the malformed-URL message', () => {
  it('reads whole after the output masks it again (the hint holds an @)', () => {
    let message = '';
    try {
      validateDatabaseUrl('postgres://postgres:p@ss w:rd/?&%@127.0.0.1:55432/app_prod');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(maskUrl(message)).toBe(message);
    expect(message).toContain('@ is %40, a blank %20): postgres://postgres:****@127.0.0.1:55432/app_prod');
    expect(message).not.toContain('p@ss');
  });
});

describe('password masking (the shapes users typed)', () => {
  it.each([
    [
      'Malformed database URL: postgres//postgres:Sup3rSecret@db.example.com/app',
      'Malformed database URL: postgres//postgres:****@db.example.com/app',
    ],
    ['postgres://postgres:p@ss@db:5432/app', 'postgres://postgres:****@db:5432/app'],
    ['postgres://postgres:my secret@db/app failed', 'postgres://postgres:****@db/app failed'],
    ['postgres://u:pa/ss#x@db/app', 'postgres://u:****@db/app'],
    [
      'postgres://u@db/app?sslmode=require&password=Sup3r&application_name=ci next words',
      'postgres://u@db/app?sslmode=require&password=****&application_name=ci next words',
    ],
    ['host=db user=u password=Sup3r dbname=app', 'host=db user=u password=**** dbname=app'],
    ["host=db password='with space' dbname=app", 'host=db password=**** dbname=app'],
    // The environment's form has no quotes: a blank may be the password's, so the line is masked to its end.
    ['PGPASSWORD=Sup3r pg_dump app', 'PGPASSWORD=****'],
    ['env: PGPASSWORD=p@ss w0rd:/?&\nPGUSER=app', 'env: PGPASSWORD=****\nPGUSER=app'],
    // A conninfo inside an SQL literal doubles its quotes; the whole quoted password goes.
    [
      "CREATE SUBSCRIPTION s CONNECTION 'host=10.0.0.9 user=rep password=''top secret'' dbname=x' PUBLICATION p",
      "CREATE SUBSCRIPTION s CONNECTION 'host=10.0.0.9 user=rep password=**** dbname=x' PUBLICATION p",
    ],
    ["CREATE ROLE r PASSWORD E'esc\\'aped hidden2';", "CREATE ROLE r PASSWORD E'****';"],
    ['{"user":"u","password":"Sup3r \\"q\\"","host":"db"}', '{"user":"u","password":"****","host":"db"}'],
    [
      "001_role.sql:1:1: role \"app\" already exists\n  statement 1 of 1 (line 1): CREATE ROLE app LOGIN PASSWORD 'Sup3r''s'",
      '001_role.sql:1:1: role "app" already exists\n  statement 1 of 1 (line 1): CREATE ROLE app LOGIN PASSWORD \'****\'',
    ],
    ['postgres://db.example.com:5432/app and more', 'postgres://db.example.com:5432/app and more'],
    ['see https://example.com/docs', 'see https://example.com/docs'],
    [
      'clone postgres://u:P@ss w@h1/a into postgres://u:Q@h2/b',
      'clone postgres://u:****@h1/a into postgres://u:****@h2/b',
    ],
  ])('%s', (input, expected) => {
    expect(maskUrl(input)).toBe(expected);
  });

  it("usage errors for the issue's URLs", () => {
    for (const typed of [
      'postgres//postgres:Sup3rSecret@db/app',
      'postgres://postgres:p@ss word@db/app?password=Sup3r',
    ]) {
      const error = (() => {
        try {
          validateDatabaseUrl(typed);
        } catch (e) {
          return e as Error;
        }
        return new Error('accepted');
      })();
      expect(`${error.message} ${JSON.stringify((error as { details?: unknown }).details)}`).not.toMatch(/Sup3r|p@ss/);
    }
  });
});
