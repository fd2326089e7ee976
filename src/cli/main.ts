import { Command, CommanderError } from 'commander';
import { isOgelError, OgelError } from '../errors.js';
import { signalExitCode, type Interrupts } from './interrupt.js';
import type { CliContext } from './context.js';
import { processOutput, reportError, type Output } from './output.js';
import { commandsFor } from './commands/registry.js';

/** The program with every command, or (given the arguments) only the one they run. */
export async function buildProgram(ctx: CliContext, argv?: readonly string[]): Promise<Command> {
  const program = new Command('ogel-migrate')
    .description('Tracked, transactional, lock-safe PostgreSQL migrations')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => ctx.output.out(s), writeErr: (s) => ctx.output.err(s) });
  for (const register of await commandsFor(argv)) register(program, ctx);
  // Sub-commands too (`fleet migrate`): commander copies these settings only to commands made after them.
  const all = (commands: readonly Command[]): Command[] => commands.flatMap((c) => [c, ...all(c.commands)]);
  for (const command of all(program.commands))
    command.exitOverride().configureOutput({ writeOut: (s) => ctx.output.out(s), writeErr: (s) => ctx.output.err(s) });
  return program;
}

/**
 * Runs the CLI and returns its exit status: 0 success, 1 a migration or check failed, 2 bad usage, config or
 * input, 3 `status --check` found something to do.
 */
export async function runCli(
  argv: string[],
  options: { output?: Output; env?: NodeJS.ProcessEnv; cwd?: string; interrupts?: Interrupts } = {},
): Promise<number> {
  const ctx: CliContext = {
    output: options.output ?? processOutput,
    env: options.env ?? process.env,
    cwd: options.cwd ?? process.cwd(),
    exitCode: 0,
    interactive: Boolean(process.stdin.isTTY) && options.output === undefined,
    ...(options.interrupts ? { interrupts: options.interrupts } : {}),
  };
  const program = await buildProgram(ctx, argv);
  const json = argv.includes('--json');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help asked for (--help, `help`) and --version succeed; help shown because no command was given is a
      // usage error (2), as the exit statuses say, so a script that forgot its command does not pass.
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return argv.includes('help') ? 0 : 2;
      // Commander already printed its message; with --json, also give a machine-readable one.
      if (json) reportError({ ...ctx.output, err: () => {} }, new OgelError('USAGE', error.message), true);
      return 2;
    }
    const code = reportError(ctx.output, error, json);
    // Stopped by a signal: the conventional status (130, 143), once the command has cleaned up.
    return isOgelError(error, 'INTERRUPTED') ? signalExitCode(String(error.details.signal)) : code;
  }
}
