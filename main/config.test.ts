import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig, userDataDir } from './config.ts';

describe('configuration', () => {
  it('puts the data folder where Electron would, per platform', () => {
    expect(userDataDir({ HOME: '/home/ann' }, 'linux')).toBe('/home/ann/.config/Compliance Workbench');
    expect(userDataDir({ HOME: '/home/ann', XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/Compliance Workbench');
    expect(userDataDir({ HOME: '/Users/ann' }, 'darwin')).toBe('/Users/ann/Library/Application Support/Compliance Workbench');
    expect(userDataDir({ HOME: 'C:\\Users\\ann', APPDATA: 'C:\\Users\\ann\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming[\\/]Compliance Workbench$/);
  });

  it('takes WORKBENCH_DATA_DIR and WORKBENCH_DATABASE_URL over settings.json', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-cfg-'));
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ databaseUrl: 'postgres://from-settings/db' }));
    expect(resolveConfig({ WORKBENCH_DATA_DIR: dir }).databaseUrl).toBe('postgres://from-settings/db');
    expect(resolveConfig({ WORKBENCH_DATA_DIR: dir, WORKBENCH_DATABASE_URL: 'postgres://env/db' }).databaseUrl).toBe('postgres://env/db');
    expect(resolveConfig({ WORKBENCH_DATA_DIR: dir }).dataDir).toBe(dir);
  });

  it('uses the embedded store when nothing names a database', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-cfg-'));
    const cfg = resolveConfig({ WORKBENCH_DATA_DIR: dir });
    expect(cfg.databaseUrl).toBeUndefined();
    expect(cfg.seedDemoData).toBe(true);
    expect(resolveConfig({ WORKBENCH_DATA_DIR: dir, WORKBENCH_DEMO_DATA: '0' }).seedDemoData).toBe(false);
  });

  it('names the file when settings.json is broken', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wb-cfg-'));
    writeFileSync(join(dir, 'settings.json'), '{nope');
    expect(() => resolveConfig({ WORKBENCH_DATA_DIR: dir })).toThrow(`${join(dir, 'settings.json')}: not valid JSON`);
    writeFileSync(join(dir, 'settings.json'), JSON.stringify({ databaseUrl: 5 }));
    expect(() => resolveConfig({ WORKBENCH_DATA_DIR: dir })).toThrow('databaseUrl must be a string');
  });
});
