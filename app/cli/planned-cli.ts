import { EXIT, runCli, type CliIo, type Subcommand } from './cli-kit.ts';

/**
 * A command-line tool whose capability is not in this build yet: `--help` lists what it
 * will do, and every command says plainly that it is not available (exit 2), never a fake result.
 */
export function plannedCommands(tool: string, capability: string, planned: Array<{ name: string; usage: string; summary: string }>): Subcommand[] {
  return planned.map((p) => ({
    ...p,
    summary: `${p.summary} (not in this build yet)`,
    run: async (_argv: string[], io: CliIo) => {
      io.stderr(`${tool} ${p.name}: the ${capability} capability is not in this build yet; see docs/ for its status.\n`);
      return EXIT.USAGE;
    },
  }));
}

export async function runPlannedCli(tool: string, summary: string, capability: string, planned: Parameters<typeof plannedCommands>[2]): Promise<void> {
  process.exitCode = await runCli({ name: tool, summary, commands: plannedCommands(tool, capability, planned), argv: process.argv.slice(2) });
}
