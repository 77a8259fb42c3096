import { parseArgs, type ParseArgsConfig } from 'node:util';
import { WorkbenchError, asWorkbenchError } from '../../shared/api/errors.ts';

/** Exit codes every CLI shares: 0 success/verified, 1 a negative verdict, 2 bad usage or unreadable input. */
export const EXIT = { OK: 0, NEGATIVE: 1, USAGE: 2 } as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

export interface Subcommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** Structured logs: human lines by default, JSONL on stderr with --log-format json. */
export class Logger {
  readonly #io: CliIo;
  readonly #json: boolean;
  constructor(io: CliIo, format: 'text' | 'json') {
    this.#io = io;
    this.#json = format === 'json';
  }
  log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
    if (this.#json) this.#io.stderr(JSON.stringify({ level, msg, ...fields }) + '\n');
    else if (level !== 'info') this.#io.stderr(`${level}: ${msg}\n`);
  }
}

/** parseArgs with our usage errors (unknown flag, missing value) instead of Node's. */
export function parseFlags<T extends ParseArgsConfig['options']>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Runs a multi-command CLI: help, dispatch, and errors mapped to exit codes. */
export async function runCli(opts: { name: string; summary: string; commands: Subcommand[]; argv: string[]; io?: CliIo }): Promise<number> {
  const io = opts.io ?? processIo;
  const help = () =>
    `${opts.name} — ${opts.summary}\n\nUsage:\n${opts.commands.map((c) => `  ${opts.name} ${c.usage}\n      ${c.summary}`).join('\n')}\n\n` +
    `Run \`${opts.name} <command> --help\` for a command's options.\nExit codes: 0 success, 1 negative verdict, 2 bad usage or unreadable input.\n`;
  const [first, ...rest] = opts.argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(help());
    return first === undefined ? EXIT.USAGE : EXIT.OK;
  }
  const command = opts.commands.find((c) => c.name === first);
  if (!command) {
    io.stderr(`${opts.name}: unknown command ${JSON.stringify(first)}\n\n${help()}`);
    return EXIT.USAGE;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`Usage: ${opts.name} ${command.usage}\n\n${command.summary}\n`);
    return EXIT.OK;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`${opts.name} ${command.name}: ${e.message}\nUsage: ${opts.name} ${command.usage}\n`);
      return EXIT.USAGE;
    }
    const err = e instanceof WorkbenchError ? e : asWorkbenchError(e);
    io.stderr(`${opts.name} ${command.name}: ${err.code}: ${err.message}\n`);
    return err.code === 'BAD_INPUT' || err.code === 'NOT_FOUND' ? EXIT.USAGE : EXIT.NEGATIVE;
  }
}
