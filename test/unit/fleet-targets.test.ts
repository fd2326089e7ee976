import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../../src/config/schema.js';
import { fleetPlanIdOf } from '../../src/core/fleet-plan-id.js';
import { openFleet } from '../../src/fleet/fleet.js';
import { selectMembers } from '../../src/fleet/select.js';
import { parseTargetsFile } from '../../src/fleet/targets-file.js';
import { writeMigrations } from '../harness/migrations.js';

const context = (cwd: string) => ({ env: {}, cwd, clientName: 'library' });

describe('fleet targets', () => {
  it('a targets file: one URL per line or NAME URL, comments and blank lines skipped, bad lines named and masked', () => {
    const text = '# tenants\n\npostgres://u:secret@h/a\nbeta  postgres://u:secret@h/b\r\n';
    expect(parseTargetsFile('t.txt', text)).toEqual([
      { url: 'postgres://u:secret@h/a', where: 't.txt:3' },
      { name: 'beta', url: 'postgres://u:secret@h/b', where: 't.txt:4' },
    ]);
    expect(() => parseTargetsFile('t.txt', 'a b postgres://u:secret@h/c')).toThrow(
      /^t\.txt:1: expected a URL or "NAME URL".*"a b postgres:\/\/u:\*\*\*\*@h\/c"$/,
    );
  });

  it('names targets after their database, host and database where two share a name, and refuses duplicates', async () => {
    const root = await writeMigrations({});
    const open = async (lines: string[]) => {
      await writeFile(join(root, 't.txt'), lines.join('\n'));
      return openFleet({ config: {}, file: null, baseDir: root }, undefined, { targetsFile: 't.txt' }, context(root));
    };
    const fleet = await open(['postgres://u:p@one/app', 'postgres://u:p@two:5433/app', 'postgres://u:p@one/crm']);
    expect(fleet.name).toBe('t');
    const members = await fleet.members();
    expect(members.map((m) => m.name)).toEqual(['one/app', 'two:5433/app', 'crm']);
    expect(members[2]!.values).toEqual({ target: 'crm', database: 'crm' });
    await expect((await open(['x postgres://h/a', 'x postgres://h/b'])).members()).rejects.toThrow(
      /^Targets listed twice: x \(\/.*\/t\.txt:1 and \/.*\/t\.txt:2\)$/,
    );
    await expect((await open(['mysql://h/a'])).members()).rejects.toThrow(/\/t\.txt:1: Database URL must start/);
  });

  it('--only and --except take names and globs; an unknown plain name is an error, not a smaller rollout', () => {
    const members = ['acme', 'globex', 'initech'].map((name) => ({ name }));
    expect(selectMembers(members, { only: ['g*', 'acme'] }).map((m) => m.name)).toEqual(['acme', 'globex']);
    expect(selectMembers(members, { except: ['*ex', 'initech'] }).map((m) => m.name)).toEqual(['acme']);
    expect(() => selectMembers(members, { only: ['acmee'] })).toThrow('Unknown target(s) in "only": acmee');
    expect(() => selectMembers(members, { only: ['z*'] })).toThrow('No target left');
  });

  it('the fleet plan id changes with the files, the options and the targets, not with their order', () => {
    const base = {
      fleet: 'tenants',
      operation: 'migrate',
      options: { to: '002' },
      items: [{ version: '001', checksum: 'sha256:a', action: 'apply' }],
      targets: ['a', 'b'],
    };
    const id = fleetPlanIdOf(base);
    expect(id).toMatch(/^plan_[0-9a-f]{20}$/);
    expect(fleetPlanIdOf({ ...base, targets: ['b', 'a'] })).toBe(id);
    expect(fleetPlanIdOf({ ...base, options: { to: '002', outOfOrder: undefined } })).toBe(id);
    expect(fleetPlanIdOf({ ...base, targets: ['a', 'b', 'c'] })).not.toBe(id);
    expect(fleetPlanIdOf({ ...base, options: { to: '003' } })).not.toBe(id);
    expect(fleetPlanIdOf({ ...base, items: [{ ...base.items[0]!, checksum: 'sha256:b' }] })).not.toBe(id);
    expect(fleetPlanIdOf({ ...base, fleet: 'other' })).not.toBe(id);
  });

  it('the config: one source per fleet, after names an environment, fleet names are not environment names', () => {
    const issues = (config: unknown) =>
      configSchema.safeParse(config).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ fleets: { t: { targets: ['env:A'] } } })).toEqual([]);
    expect(issues({ fleets: { t: {} } })).toEqual([
      'fleets.t: a fleet needs its targets: one of targets, targetsFile, query, schemas',
    ]);
    expect(issues({ fleets: { t: { targets: ['env:A'], targetsFile: 'x' } } })).toEqual([
      'fleets.t: give one source of targets, not targets and targetsFile',
    ]);
    expect(
      issues({
        environments: { prod: { databaseUrl: 'env:P' } },
        fleets: { prod: { targets: ['env:A'], after: 'staging' } },
        tokens: { ci: { token: 'env:T', role: 'admin', environments: ['prod', 'nope'] } },
      }),
    ).toEqual([
      'fleets.prod: "prod" is also an environment\'s name',
      'fleets.prod.after: names unknown environment "staging" (known: prod)',
      'tokens.ci.environments.1: names unknown environment or fleet "nope"',
    ]);
    expect(issues({ fleets: { t: { schemas: { databaseUrl: 'env:A', list: ['Bad-Name'] } } } })).toEqual([
      'fleets.t.schemas.list.0: a schema name: lower-case letters, digits, _ (up to 63)',
    ]);
  });
});
