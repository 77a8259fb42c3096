import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { WorkbenchError } from '../../../shared/api/errors.ts';
import { openStore } from '../../store/open-store.ts';
import type { Store } from '../../store/store.ts';
import { createTempSqlite, type TempSqlite } from '../../store/testing/temp-sqlite.ts';
import type { CollectContext } from '../pack-file.ts';
import { testCollectContext } from '../testing/collect-context.ts';
import { buildWorkbenchSbom, cdxLicenses, integrityHashes, npmPurl, sbomCollector, uuidV5 } from './sbom.ts';

const AT = new Date('2026-11-28T12:00:00.000Z');
const PROJECT = process.cwd();

interface Component {
  'bom-ref': string;
  group?: string;
  name: string;
  version: string;
  scope: string;
  purl: string;
  hashes?: Array<{ alg: string; content: string }>;
  licenses?: unknown[];
  properties: Array<{ name: string; value: string }>;
}
interface Bom {
  serialNumber: string;
  metadata: { timestamp: string; component: { name: string; version: string; purl: string } };
  components: Component[];
  dependencies: Array<{ ref: string; dependsOn: string[] }>;
}

describe('sbom helpers', () => {
  it('encodes purls, converts SRI digests to hex and derives RFC 4122 v5 UUIDs', () => {
    expect(npmPurl('@noble/curves', '2.4.0')).toBe('pkg:npm/%40noble/curves@2.4.0');
    expect(npmPurl('zod', '4.6.7+build.1')).toBe('pkg:npm/zod@4.6.7%2Bbuild.1');
    expect(integrityHashes('sha512-Z8Q/9x/uNyKxA1v4FNodyItRVRw1TeKBrmj32JhxhR0ceNcBY+wMobt/Bv7M7TzwPAXjnZRtNaEsATnUZSKWZQ== sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA= md5-xx')).toEqual([
      { alg: 'SHA-512', content: '67c43ff71fee3722b1035bf814da1dc88b51551c354de281ae68f7d89871851d1c78d70163ec0ca1bb7f06fecced3cf03c05e39d946d35a12c0139d465229665' },
      { alg: 'SHA-1', content: '0000000000000000000000000000000000000000' },
    ]);
    // The RFC 4122 appendix example: "www.example.com" in the DNS namespace.
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(cdxLicenses('MIT')).toEqual([{ expression: 'MIT' }]);
    expect(cdxLicenses('(MIT OR CC0-1.0)')).toEqual([{ expression: '(MIT OR CC0-1.0)' }]);
    expect(cdxLicenses('SEE LICENSE IN LICENSE.md')).toEqual([{ license: { name: 'SEE LICENSE IN LICENSE.md' } }]);
    expect(cdxLicenses('UNLICENSED')).toEqual([{ license: { name: 'UNLICENSED' } }]);
    expect(cdxLicenses(undefined)).toBeUndefined();
  });
});

describe('sbomCollector on the real project', () => {
  let tmp: TempSqlite;
  let store: Store;
  let ctx: CollectContext;
  const lock = JSON.parse(readFileSync(join(PROJECT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string; integrity: string; license?: string; dev?: boolean }> };
  const hex = (integrity: string) => Buffer.from(integrity.slice('sha512-'.length), 'base64').toString('hex');

  beforeEach(async () => {
    tmp = createTempSqlite('wb-ap-sbom-');
    store = await openStore({ dataDir: tmp.dataDir, now: () => AT });
    ctx = testCollectContext(store, tmp.dataDir, { from: new Date('2025-11-28T12:00:00.000Z'), to: AT }, { projectRoot: PROJECT });
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('lists installed packages with purls, SHA-512 hashes, licenses, scope and the dependency graph, byte-identically twice', async () => {
    const c = await sbomCollector.collect(ctx);
    expect(c.files.map((f) => [f.path, f.section, f.mediaType, f.asOf])).toEqual([['sbom/workbench.cdx.json', 'sbom', 'application/vnd.cyclonedx+json', AT.toISOString()]]);
    const data = c.files[0]!.data as Buffer;
    const bom = JSON.parse(data.toString('utf8')) as Bom & Record<string, unknown>;
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bom.metadata.timestamp).toBe(AT.toISOString());
    expect(bom.metadata.component).toMatchObject({ name: 'compliance-workbench', version: '0.1.0', purl: 'pkg:npm/compliance-workbench@0.1.0' });

    const byRef = new Map(bom.components.map((x) => [x['bom-ref'], x]));
    const sqlite = lock.packages['node_modules/better-sqlite3']!;
    const addon = lock.packages['node_modules/node-addon-api']!;
    expect(byRef.get(`pkg:npm/better-sqlite3@${sqlite.version}`)).toEqual({
      type: 'library',
      'bom-ref': `pkg:npm/better-sqlite3@${sqlite.version}`,
      name: 'better-sqlite3',
      version: sqlite.version,
      scope: 'required',
      hashes: [{ alg: 'SHA-512', content: hex(sqlite.integrity) }],
      licenses: [{ expression: 'MIT' }],
      purl: `pkg:npm/better-sqlite3@${sqlite.version}`,
      properties: [{ name: 'cdx:npm:package:path', value: 'node_modules/better-sqlite3' }],
    });
    const zod = lock.packages['node_modules/zod']!;
    expect(byRef.get(`pkg:npm/zod@${zod.version}`)).toMatchObject({ purl: `pkg:npm/zod@${zod.version}`, scope: 'required', hashes: [{ alg: 'SHA-512', content: hex(zod.integrity) }] });
    const curves = lock.packages['node_modules/@noble/curves']!;
    expect(byRef.get(`pkg:npm/%40noble/curves@${curves.version}`)).toMatchObject({ group: '@noble', name: 'curves', purl: `pkg:npm/%40noble/curves@${curves.version}` });
    const vitest = lock.packages['node_modules/vitest']!;
    expect(byRef.get(`pkg:npm/vitest@${vitest.version}`)).toMatchObject({
      scope: 'excluded',
      properties: [
        { name: 'cdx:npm:package:development', value: 'true' },
        { name: 'cdx:npm:package:path', value: 'node_modules/vitest' },
      ],
    });

    const deps = new Map(bom.dependencies.map((d) => [d.ref, d.dependsOn]));
    expect(deps.get(`pkg:npm/better-sqlite3@${sqlite.version}`)).toEqual([`pkg:npm/node-addon-api@${addon.version}`]);
    expect(deps.get('pkg:npm/compliance-workbench@0.1.0')).toContain(`pkg:npm/zod@${zod.version}`);
    expect(deps.get('pkg:npm/compliance-workbench@0.1.0')).toContain(`pkg:npm/vitest@${vitest.version}`);
    // Every reference in the graph is a listed component (or the workbench itself).
    for (const d of bom.dependencies) for (const r of [d.ref, ...d.dependsOn]) expect(byRef.has(r) || r === 'pkg:npm/compliance-workbench@0.1.0').toBe(true);
    expect(new Set(bom.components.map((x) => x['bom-ref'])).size).toBe(bom.components.length);

    const installPaths = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/'));
    expect(bom.components.flatMap((x) => x.properties.filter((p) => p.name === 'cdx:npm:package:path').map((p) => p.value)).sort()).toEqual(installPaths.sort());
    expect(c.facts['sbom.components']).toBe(bom.components.length);
    expect(c.files[0]!.records).toBe(bom.components.length);

    const again = await sbomCollector.collect(ctx);
    expect((again.files[0]!.data as Buffer).equals(data)).toBe(true);
  });
});

describe('the SBOM against the CycloneDX 1.6 JSON schema', () => {
  // The strict schema (no properties beyond the spec) from the CycloneDX library, with the
  // SPDX license ids and JSF schemas it references: the SBOM an auditor receives must load
  // in any CycloneDX tool, not only pass our own reading of the spec.
  const strict = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
  let tmp: TempSqlite;
  let store: Store;

  beforeEach(async () => {
    tmp = createTempSqlite('wb-ap-sbom-schema-');
    store = await openStore({ dataDir: tmp.dataDir, now: () => AT });
  });
  afterEach(async () => {
    await store.close();
    tmp.remove();
  });

  it('the workbench SBOM of this project is valid', async () => {
    const ctx = testCollectContext(store, tmp.dataDir, { from: new Date('2025-11-28T12:00:00.000Z'), to: AT }, { projectRoot: PROJECT });
    const c = await sbomCollector.collect(ctx);
    expect(await strict.validate((c.files[0]!.data as Buffer).toString('utf8'))).toBeNull();
  });

  it('and the validator does reject a broken one: a hash that is not hex, an unknown scope', async () => {
    const ctx = testCollectContext(store, tmp.dataDir, { from: new Date('2025-11-28T12:00:00.000Z'), to: AT }, { projectRoot: PROJECT });
    const text = ((await sbomCollector.collect(ctx)).files[0]!.data as Buffer).toString('utf8');
    type Doc = { components: Array<{ hashes?: Array<{ content: string }>; scope: string }> };
    const badHash = JSON.parse(text) as Doc;
    const i = badHash.components.findIndex((x) => x.hashes);
    badHash.components[i]!.hashes![0]!.content = 'not-hex';
    expect(JSON.stringify(await strict.validate(JSON.stringify(badHash)))).toContain(`"instancePath":"/components/${i}/hashes/0/content"`);
    const badScope = JSON.parse(text) as Doc;
    badScope.components[0]!.scope = 'sometimes';
    expect(JSON.stringify(await strict.validate(JSON.stringify(badScope)))).toContain('"instancePath":"/components/0/scope"');
  });
});

describe('buildWorkbenchSbom on a small lockfile', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'wb-sbom-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (lock: unknown, pkg: unknown = { name: 'app', version: '1.2.3', license: 'Apache-2.0' }) => {
    writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock));
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  };
  const I = (byte: number) => `sha512-${Buffer.alloc(64, byte).toString('base64')}`;

  it('resolves nested installs the way Node does, merges duplicates and sets scope from dev/optional flags', async () => {
    write({
      lockfileVersion: 3,
      packages: {
        '': { name: 'app', version: '1.2.3', dependencies: { a: '^1', '@s/b': '^2' }, devDependencies: { t: '^1' }, optionalDependencies: { o: '^1' } },
        'node_modules/a': { version: '1.0.0', integrity: I(1), license: 'MIT', dependencies: { c: '^2' } },
        'node_modules/a/node_modules/c': { version: '2.0.0', integrity: I(2), license: 'ISC' },
        'node_modules/@s/b': { version: '2.0.0', integrity: I(3), dependencies: { c: '^1', missing: '^1' } },
        'node_modules/c': { version: '1.0.0', integrity: I(4), license: '(MIT OR CC0-1.0)' },
        'node_modules/t': { version: '1.0.0', integrity: I(5), dev: true, dependencies: { c: '^2' } },
        'node_modules/t/node_modules/c': { version: '2.0.0', integrity: I(2), dev: true, license: 'ISC' },
        'node_modules/o': { version: '1.0.0', integrity: I(6), optional: true },
      },
    });
    const { bom, bytes, counts } = await buildWorkbenchSbom(dir, { at: AT, toolVersion: '9.9.9' });
    const lockDigest = (await import('node:crypto')).createHash('sha256').update(readFileSync(join(dir, 'package-lock.json'))).digest('hex');
    expect(bom.serialNumber).toBe(`urn:uuid:${uuidV5(`sha256:${lockDigest}`)}`);
    const b = bom as unknown as Bom;
    expect(b.components.map((x) => [x['bom-ref'], x.group ?? null, x.name, x.scope, x.licenses ?? null, x.properties.map((p) => `${p.name}=${p.value}`)])).toEqual([
      ['pkg:npm/%40s/b@2.0.0', '@s', 'b', 'required', null, ['cdx:npm:package:path=node_modules/@s/b']],
      ['pkg:npm/a@1.0.0', null, 'a', 'required', [{ expression: 'MIT' }], ['cdx:npm:package:path=node_modules/a']],
      ['pkg:npm/c@1.0.0', null, 'c', 'required', [{ expression: '(MIT OR CC0-1.0)' }], ['cdx:npm:package:path=node_modules/c']],
      // One component for both installs of c@2.0.0: required, because a (a runtime dependency) needs it.
      ['pkg:npm/c@2.0.0', null, 'c', 'required', [{ expression: 'ISC' }], ['cdx:npm:package:path=node_modules/a/node_modules/c', 'cdx:npm:package:path=node_modules/t/node_modules/c']],
      ['pkg:npm/o@1.0.0', null, 'o', 'optional', null, ['cdx:npm:package:path=node_modules/o']],
      ['pkg:npm/t@1.0.0', null, 't', 'excluded', null, ['cdx:npm:package:development=true', 'cdx:npm:package:path=node_modules/t']],
    ]);
    expect(b.components[1]!.hashes).toEqual([{ alg: 'SHA-512', content: '01'.repeat(64) }]);
    expect(b.dependencies).toEqual([
      { ref: 'pkg:npm/app@1.2.3', dependsOn: ['pkg:npm/%40s/b@2.0.0', 'pkg:npm/a@1.0.0', 'pkg:npm/o@1.0.0', 'pkg:npm/t@1.0.0'] },
      { ref: 'pkg:npm/%40s/b@2.0.0', dependsOn: ['pkg:npm/c@1.0.0'] },
      { ref: 'pkg:npm/a@1.0.0', dependsOn: ['pkg:npm/c@2.0.0'] },
      { ref: 'pkg:npm/c@1.0.0', dependsOn: [] },
      { ref: 'pkg:npm/c@2.0.0', dependsOn: [] },
      { ref: 'pkg:npm/o@1.0.0', dependsOn: [] },
      { ref: 'pkg:npm/t@1.0.0', dependsOn: ['pkg:npm/c@2.0.0'] },
    ]);
    expect(bom.metadata).toEqual({
      timestamp: AT.toISOString(),
      tools: { components: [{ type: 'application', name: 'compliance-workbench audit-pack', version: '9.9.9' }] },
      component: { type: 'application', 'bom-ref': 'pkg:npm/app@1.2.3', name: 'app', version: '1.2.3', licenses: [{ expression: 'Apache-2.0' }], purl: 'pkg:npm/app@1.2.3' },
      properties: [
        { name: 'cdx:npm:lockfileVersion', value: '3' },
        { name: 'compliance-workbench:sbom:source', value: 'package-lock.json packages map and package.json; no network' },
      ],
    });
    expect(counts).toEqual({ components: 6, required: 4, optional: 1, excluded: 1, withLicense: 3, withHash: 6 });
    expect(bytes.toString('utf8').endsWith('}\n')).toBe(true);
  });

  it('refuses a lockfile without the packages map, naming the file', async () => {
    write({ lockfileVersion: 1, dependencies: {} });
    const e = (await buildWorkbenchSbom(dir, { at: AT, toolVersion: '1' }).catch((x: unknown) => x)) as WorkbenchError;
    expect(e.code).toBe('BAD_INPUT');
    expect(e.message).toBe(`${join(dir, 'package-lock.json')}: lockfileVersion 1 is not supported: need 2 or 3 (the "packages" map); run npm install with npm 7 or later`);
    const missing = (await buildWorkbenchSbom(join(dir, 'nope'), { at: AT, toolVersion: '1' }).catch((x: unknown) => x)) as WorkbenchError;
    expect([missing.code, missing.message]).toEqual(['NOT_FOUND', `cannot read ${join(dir, 'nope', 'package-lock.json')}: ENOENT`]);
  });
});
