// node-postgres decides at load time whether it runs on Cloudflare Workers: without `navigator` (Node < 21) it
// constructs a fetch `Response`, which loads all of undici, ~20 ms of every CLI start. Node 21 and later, Bun
// and Deno define `navigator.userAgent`; give Node 20 the value Node 21 would, before pg is imported (hence the
// dynamic import below: a static one would be evaluated first).
if (typeof globalThis.navigator === 'undefined') {
  Object.defineProperty(globalThis, 'navigator', {
    value: { userAgent: `Node.js/${process.versions.node.split('.')[0]}` },
    configurable: true,
    writable: true,
  });
}
const { runCli } = await import('./main.js');
const { listenForInterrupts } = await import('./interrupt.js');

const code = await runCli(process.argv.slice(2), { interrupts: listenForInterrupts() });
// Exit explicitly, with the command's status, once stdout is flushed (piped JSON is never cut short): nothing
// left open (a pool's idle connection, a timer in a dependency) may keep the process alive or decide its status.
process.stdout.write('', () => process.exit(code));
