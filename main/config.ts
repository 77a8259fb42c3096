import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { WorkbenchError } from '../shared/api/errors.ts';

export const PRODUCT_NAME = 'Compliance Workbench';

export interface WorkbenchConfig {
  /** Folder for the SQLite file, keys and caches. */
  dataDir: string;
  /** PostgreSQL connection string for the shared team store; absent means embedded SQLite. */
  databaseUrl?: string;
  /** Load the deterministic demo data when the store is empty. */
  seedDemoData: boolean;
  version: string;
  /** The clock; tests pass a fixed one. */
  now: () => Date;
}

/** Electron's `app.getPath('userData')` for our product name, computed without Electron. */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = env.HOME ?? homedir();
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), PRODUCT_NAME);
}

/** Settings that must be known before the store opens live in `<dataDir>/settings.json`. */
export interface BootSettings {
  databaseUrl?: string;
}

export function readBootSettings(dataDir: string): BootSettings {
  const file = join(dataDir, 'settings.json');
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new WorkbenchError('BAD_INPUT', `${file}: not valid JSON (${(e as Error).message})`, { file });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WorkbenchError('BAD_INPUT', `${file}: expected a JSON object`, { file });
  }
  const url = (parsed as Record<string, unknown>).databaseUrl;
  if (url !== undefined && typeof url !== 'string') {
    throw new WorkbenchError('BAD_INPUT', `${file}: databaseUrl must be a string`, { file });
  }
  return url === undefined ? {} : { databaseUrl: url };
}

/** Environment first (WORKBENCH_DATA_DIR, WORKBENCH_DATABASE_URL), then settings.json, then defaults. */
export function resolveConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<WorkbenchConfig> = {}): WorkbenchConfig {
  const dataDir = resolve(overrides.dataDir ?? env.WORKBENCH_DATA_DIR ?? userDataDir(env));
  const boot = readBootSettings(dataDir);
  const databaseUrl = overrides.databaseUrl ?? env.WORKBENCH_DATABASE_URL ?? boot.databaseUrl;
  return {
    dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    seedDemoData: overrides.seedDemoData ?? env.WORKBENCH_DEMO_DATA !== '0',
    version: overrides.version ?? '0.1.0',
    now: overrides.now ?? (() => new Date()),
  };
}
