import type { Reporter, TestModule } from 'vitest/node';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/**
 * Prints the counts of each vitest project (`unit` and one per server of the matrix), then one plain closing
 * line, `vitest: N passed, N failed, N skipped`, that any CI log reader understands. A file that fails as a
 * whole (it cannot load, or a beforeAll throws and its tests never run) counts as a failure even when none of
 * its tests did: its tests did not pass.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const total: Counts = { passed: 0, failed: 0, skipped: 0 };
    const perProject = new Map<string, Counts>();
    for (const module of testModules) {
      const name = module.project.name || 'default';
      const counts = perProject.get(name) ?? { passed: 0, failed: 0, skipped: 0 };
      perProject.set(name, counts);
      const add = (key: keyof Counts) => {
        counts[key]++;
        total[key]++;
      };
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'failed') failedHere++;
        add(state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped');
      }
      if (module.state() === 'failed' && failedHere === 0) add('failed');
    }
    const line = (c: Counts) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`;
    const projects = [...perProject].map(([name, counts]) => `  ${name.padEnd(12)} ${line(counts)}\n`).join('');
    process.stdout.write(`\n${projects}vitest: ${line(total)}\n`);
  }
}
