import { describe, expect, it } from 'vitest';
import { parse } from 'pg-connection-string';
import { driverConnectionString, sameDatabase } from '../../src/db/url.js';

/**
 * How a --database-url is recognised as a protected environment's: a second spelling of the same database once
 * passed for another one (prod rolled back without a confirmation through `localhost` for `127.0.0.1`).
 */
describe('sameDatabase', () => {
  const prod = 'postgres://app:secret@127.0.0.1:55432/prod';

  it('sees through loopback spellings, ?host= / ?port=, another role or password, and the default port', () => {
    expect(sameDatabase(prod, 'postgres://app:other@localhost:55432/prod')).toBe(true);
    expect(sameDatabase(prod, 'postgresql://app@[::1]:55432/prod?sslmode=disable')).toBe(true);
    expect(sameDatabase(prod, 'postgres://app@127.0.0.1/prod?port=55432')).toBe(true);
    expect(sameDatabase(prod, 'postgres://reader:pw@LOCALHOST:55432/prod')).toBe(true);
    expect(sameDatabase('postgres://u@db.internal/app', 'postgres://v@DB.internal:5432/app')).toBe(true);
  });

  it('tells apart another database, port or host', () => {
    expect(sameDatabase(prod, 'postgres://app:secret@127.0.0.1:55432/staging')).toBe(false);
    expect(sameDatabase(prod, 'postgres://app:secret@127.0.0.1:5432/prod')).toBe(false);
    expect(sameDatabase(prod, 'postgres://app:secret@10.0.0.7:55432/prod')).toBe(false);
  });
});

describe('driverConnectionString', () => {
  // What the driver makes of the string: libpq's meaning of sslmode (require: encrypted, not verified).
  const ssl = (url: string) => parse(driverConnectionString(url)).ssl;

  it('gives sslmode its libpq meaning, as psql and pg_dump read the same URL', () => {
    expect(ssl('postgres://u:p@db.example.com/app?sslmode=require')).toMatchObject({ rejectUnauthorized: false });
    expect(ssl('postgres://u:p@db.example.com/app?sslmode=prefer')).toMatchObject({ rejectUnauthorized: false });
    expect(ssl('postgres://u:p@db.example.com/app?sslmode=disable')).toBe(false);
    expect(ssl('postgres://u:p@db.example.com/app?sslmode=verify-full')).toEqual({});
  });

  it('leaves a URL without sslmode, or one that chose uselibpqcompat, as it is', () => {
    expect(driverConnectionString('postgres://u:p@h/app')).toBe('postgres://u:p@h/app');
    const chosen = 'postgres://u:p@h/app?sslmode=require&uselibpqcompat=false';
    expect(driverConnectionString(chosen)).toBe(chosen);
  });
});
