import { createPrivateKey, createPublicKey, generateKeyPairSync, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, unlinkSync, writeFileSync, createWriteStream, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import { pack as tarPack } from 'tar-stream';
import { createPack } from './create-pack.ts';
import { signDsse } from './dsse-envelope.ts';
import { toPem } from '../../../fixtures/verify/plugins/cert-builder.ts';
import { makeTestPki } from '../../../fixtures/verify/plugins/make-test-pki.ts';
import { writePackArchive } from './pack-archive.ts';
import { readPack } from './pack-contents.ts';
import { verifyPackContents } from './verify-pack.ts';
import { PluginRegistry } from '../plugins/registry.ts';
import type { AttestationPlugin } from '../plugins/plugin.ts';

/** A framework-test plugin: checks the plain-key bundle's signature with a pinned Ed25519 key. */
function pinnedKeyPlugin(publicKey: KeyObject): AttestationPlugin {
  return {
    name: 'pinned-ed25519',
    applies: (input) => input.bundle !== undefined,
    async verify(input) {
      const b = input.bundle as { messageSignature: { signature: string } };
      const ok = cryptoVerify(null, input.payload, publicKey, Buffer.from(b.messageSignature.signature, 'base64'));
      return ok ? { ok: true } : { ok: false, errors: ['signature does not verify with the pinned key'] };
    },
  };
}

const AT = new Date('2026-11-28T12:00:00.000Z');

describe('evidence packs', () => {
  let root: string;
  let keyPem: string;
  let registry: PluginRegistry;
  let n = 0;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'wb-pack-'));
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    registry = new PluginRegistry([pinnedKeyPlugin(publicKey)]);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  async function freshPack(): Promise<string> {
    const dir = join(root, `pack-${++n}`);
    mkdirSync(join(dir, 'logs', 'deep'), { recursive: true });
    writeFileSync(join(dir, 'a.txt'), 'alpha\n');
    writeFileSync(join(dir, 'logs', 'b.json'), '{"b":1}\n');
    writeFileSync(join(dir, 'logs', 'deep', 'c.bin'), Buffer.alloc(70_000, 7));
    writeFileSync(join(dir, 'Z-upper.txt'), 'upper sorts before lower\n');
    await createPack(dir, { keyPem, createdAt: AT });
    return dir;
  }
  const verify = async (path: string, plugin?: string) => verifyPackContents(await readPack(path), { registry, at: AT, ...(plugin ? { plugin } : {}) });

  it('verifies an untouched pack and lists files in bytewise order', async () => {
    const report = await verify(await freshPack());
    expect(report.errors).toEqual([]);
    expect(report.verified).toBe(true);
    expect(report.files.map((f) => [f.path, f.status])).toEqual([
      ['Z-upper.txt', 'ok'],
      ['a.txt', 'ok'],
      ['logs/b.json', 'ok'],
      ['logs/deep/c.bin', 'ok'],
    ]);
    expect(report.merkle.match).toBe(true);
    expect(report.plugins).toEqual([{ name: 'pinned-ed25519', ok: true, errors: [], warnings: [], details: {} }]);
  });

  it('gives a byte-identical report for the folder and its .tgz, and a reproducible .tgz', async () => {
    const dir = await freshPack();
    await writePackArchive(dir, join(root, 'one.tgz'));
    await writePackArchive(dir, join(root, 'two.tgz'));
    expect(readFileSync(join(root, 'one.tgz')).equals(readFileSync(join(root, 'two.tgz')))).toBe(true);
    expect(readFileSync(join(root, 'one.tgz'))[9]).toBe(0xff);
    expect(canonicalize(await verify(join(root, 'one.tgz')))).toBe(canonicalize(await verify(dir)));
  });

  it('names a modified, a missing and an unexpected file', async () => {
    const dir = await freshPack();
    appendFileSync(join(dir, 'a.txt'), 'x');
    unlinkSync(join(dir, 'logs', 'b.json'));
    writeFileSync(join(dir, 'extra.txt'), 'not listed');
    const report = await verify(dir);
    expect(report.verified).toBe(false);
    expect(report.counts).toEqual({ ok: 2, missing: 1, modified: 1, unexpected: 1 });
    expect(report.errors).toEqual(expect.arrayContaining(['a.txt: modified', 'logs/b.json: missing', 'extra.txt: unexpected']));
    expect(report.files.find((f) => f.path === 'a.txt')).toMatchObject({ expectedSize: 6, actualSize: 7 });
    expect(report.merkle.match).toBe(false);
  });

  it('detects a same-size modification by hash', async () => {
    const dir = await freshPack();
    writeFileSync(join(dir, 'a.txt'), 'ALPHA\n');
    const report = await verify(dir);
    expect(report.files.find((f) => f.path === 'a.txt')).toMatchObject({ status: 'modified', expectedSize: 6, actualSize: 6 });
  });

  it('stops reading a file at the size its manifest claims', async () => {
    const dir = await freshPack();
    // A sparse 10 GB file: hashing it would take minutes; the verdict must come at once.
    truncateSync(join(dir, 'a.txt'), 10 * 1024 ** 3);
    const started = Date.now();
    const report = await verify(dir);
    expect(report.files.find((f) => f.path === 'a.txt')).toMatchObject({ status: 'modified', expectedSize: 6 });
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('fails a pack whose signature was swapped for another pack', async () => {
    const one = await freshPack();
    const two = await freshPack();
    writeFileSync(join(two, 'a.txt'), 'different\n');
    await createPack(two, { keyPem, createdAt: new Date('2026-11-29T00:00:00.000Z') });
    writeFileSync(join(one, 'attestations', 'sigstore-bundle.json'), readFileSync(join(two, 'attestations', 'sigstore-bundle.json')));
    const report = await verify(one);
    expect(report.verified).toBe(false);
    expect(report.plugins[0]).toMatchObject({ ok: false, errors: ['signature does not verify with the pinned key'] });
    expect(report.errors).toContain('pinned-ed25519: not verified');
  });

  it('reports a manifest that is not JSON, or that lies about sizes', async () => {
    const dir = await freshPack();
    const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
    writeFileSync(join(dir, 'manifest.json'), manifest.slice(0, 40));
    const broken = await verify(dir);
    expect(broken.verified).toBe(false);
    expect(broken.errors[0]).toMatch(/^manifest\.json is not JSON: /);

    writeFileSync(join(dir, 'manifest.json'), manifest.replace('"size":6', '"size":5'));
    const lying = await verify(dir);
    expect(lying.verified).toBe(false);
    expect(lying.errors).toEqual(expect.arrayContaining(['a.txt: modified', 'manifest.json: merkle.root does not match the files it lists']));

    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...JSON.parse(manifest), files: [{ path: '../etc/passwd', size: 1, sha256: '0'.repeat(64) }] }));
    const traversal = await verify(dir);
    expect(traversal.errors[0]).toBe('manifest.json: files.0.path: no empty, "." or ".." segments');
  });

  it('refuses links inside a folder pack', async () => {
    const dir = await freshPack();
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    const report = await verify(dir);
    expect(report.verified).toBe(false);
    expect(report.errors).toContain('passwd: links are not allowed in a pack');
  });

  it('is not verified when no plugin applies, and refuses an unknown --plugin', async () => {
    const dir = await freshPack();
    rmSync(join(dir, 'attestations'), { recursive: true });
    const report = await verify(dir);
    expect(report.verified).toBe(false);
    expect(report.errors).toEqual(['no attestation plugin applies: the pack carries no signature material']);
    await expect(verify(dir, 'nope')).rejects.toThrow('unknown plugin "nope"; known: pinned-ed25519');
  });

  it('counts a plugin that throws as not verified (fail closed)', async () => {
    const dir = await freshPack();
    const throwing: AttestationPlugin = { name: 'boom', applies: () => true, verify: async () => { throw new TypeError('bad bundle'); } };
    const report = await verifyPackContents(await readPack(dir), { registry: new PluginRegistry([throwing]), at: AT });
    expect(report.verified).toBe(false);
    expect(report.plugins).toEqual([{ name: 'boom', ok: false, errors: ['plugin failed: bad bundle'], warnings: [], details: {} }]);
  });

  describe('hostile archives', () => {
    async function craft(name: string, entries: Array<{ name: string; type?: 'file' | 'symlink' | 'link'; body?: string; linkname?: string }>): Promise<string> {
      const out = join(root, name);
      const p = tarPack();
      for (const e of entries) {
        if (e.type === 'symlink' || e.type === 'link') p.entry({ name: e.name, type: e.type, linkname: e.linkname ?? '/etc/passwd' });
        else p.entry({ name: e.name }, e.body ?? 'x');
      }
      p.finalize();
      await pipeline(p, createGzip(), createWriteStream(out));
      return out;
    }

    it('names each unsafe entry and writes nothing', async () => {
      const dir = await freshPack();
      const manifest = readFileSync(join(dir, 'manifest.json'), 'utf8');
      const tgz = await craft('hostile.tgz', [
        { name: 'manifest.json', body: manifest },
        { name: '../escape.txt' },
        { name: '/etc/cron.d/evil' },
        { name: 'link', type: 'symlink' },
        { name: 'hard', type: 'link' },
      ]);
      const report = await verify(tgz);
      expect(report.verified).toBe(false);
      expect(report.errors.slice(0, 4)).toEqual([
        'archive entry "../escape.txt" contains ".."',
        'archive entry "/etc/cron.d/evil" is an absolute path',
        'archive entry link is a symlink: links and special files are not allowed',
        'archive entry hard is a link: links and special files are not allowed',
      ]);
    });

    it('says a truncated archive is truncated', async () => {
      const dir = await freshPack();
      const tgz = join(root, 'truncated.tgz');
      await writePackArchive(dir, tgz);
      truncateSync(tgz, Math.floor(statSync(tgz).size / 2));
      const report = await verify(tgz);
      expect(report.verified).toBe(false);
      expect(report.errors.some((e) => e.startsWith('archive is truncated or corrupted: '))).toBe(true);
    });

    it('says a corrupted archive is corrupted', async () => {
      const tgz = join(root, 'garbage.tgz');
      writeFileSync(tgz, Buffer.from('this is not gzip at all'));
      const report = await verify(tgz);
      expect(report.verified).toBe(false);
      expect(report.errors[0]).toMatch(/^archive is truncated or corrupted: /);
    });
  });

  describe('in-toto DSSE attestation (attestations/in-toto.dsse.json)', () => {
    let publicKeyPem: string;
    beforeAll(() => {
      publicKeyPem = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'pem' }).toString();
    });

    function statementOf(dir: string, edit?: (subjects: Array<{ name: string; digest: { sha256: string } }>) => void): Buffer {
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ path: string; sha256: string }> };
      const subject = manifest.files.map((f) => ({ name: f.path, digest: { sha256: f.sha256 } }));
      edit?.(subject);
      return Buffer.from(canonicalize({ _type: 'https://in-toto.io/Statement/v1', subject, predicateType: 'https://example.test/v1', predicate: {} })!);
    }
    function writeDsse(dir: string, payload: Buffer, signer: string = keyPem, payloadType = 'application/vnd.in-toto+json'): void {
      writeFileSync(join(dir, 'attestations', 'in-toto.dsse.json'), JSON.stringify(signDsse(createPrivateKey(signer), payloadType, payload)));
    }
    const verifyWithKey = async (dir: string, key: string | null = publicKeyPem) =>
      verifyPackContents(await readPack(dir), { registry, at: AT, ...(key ? { pluginOptions: { publicKey: key } } : {}) });

    it('verifies a statement signed by the pack signer whose subjects are the manifest files', async () => {
      const dir = await freshPack();
      writeDsse(dir, statementOf(dir));
      const report = await verifyWithKey(dir);
      expect(report.errors).toEqual([]);
      expect(report.verified).toBe(true);
      expect(report.plugins.map((p) => [p.name, p.ok])).toEqual([
        ['pinned-ed25519', true],
        ['in-toto-dsse', true],
      ]);
      expect(report.plugins[1]!.details).toEqual({ predicateType: 'https://example.test/v1', subjects: 4 });
    });

    it('names each subject that differs from the manifest', async () => {
      const dir = await freshPack();
      writeDsse(
        dir,
        statementOf(dir, (s) => {
          s[0]!.digest.sha256 = '0'.repeat(64);
          s.splice(1, 1);
          s.push({ name: 'ghost.txt', digest: { sha256: '1'.repeat(64) } });
        }),
      );
      const report = await verifyWithKey(dir);
      expect(report.verified).toBe(false);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ sha256: string }> };
      expect(report.plugins[1]).toMatchObject({
        name: 'in-toto-dsse',
        ok: false,
        errors: [
          `attestations/in-toto.dsse.json: subject Z-upper.txt has sha256 ${'0'.repeat(64)} but the manifest says ${manifest.files[0]!.sha256}`,
          'attestations/in-toto.dsse.json: a.txt is in the manifest but not a subject of the statement',
          'attestations/in-toto.dsse.json: subject ghost.txt is not a file of the manifest',
        ],
      });
      expect(report.errors).toContain('in-toto-dsse: not verified');
    });

    it('fails a statement signed by another key, or one whose payload was changed', async () => {
      const dir = await freshPack();
      const other = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      writeDsse(dir, statementOf(dir), other);
      const report = await verifyWithKey(dir);
      expect(report.verified).toBe(false);
      expect(report.plugins[1]!.errors).toEqual([
        `attestations/in-toto.dsse.json: no signature with keyid ${report.pack.signer!.keyFingerprint} (the pack signer's key fingerprint)`,
      ]);

      writeDsse(dir, statementOf(dir));
      const env = JSON.parse(readFileSync(join(dir, 'attestations', 'in-toto.dsse.json'), 'utf8')) as { payload: string };
      env.payload = statementOf(dir, (s) => s.pop()).toString('base64');
      writeFileSync(join(dir, 'attestations', 'in-toto.dsse.json'), JSON.stringify(env));
      expect((await verifyWithKey(dir)).plugins[1]!.errors).toEqual(["attestations/in-toto.dsse.json: the signature does not verify with the pack signer's key"]);
    });

    it('needs the signer public key of a plain-key pack, and refuses a different one', async () => {
      const dir = await freshPack();
      writeDsse(dir, statementOf(dir));
      expect((await verifyWithKey(dir, null)).plugins[1]!.errors).toEqual([
        "attestations/in-toto.dsse.json: no public key to check it with: give the pack signer's public key (--key)",
      ]);
      const otherPub = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const report = await verifyWithKey(dir, otherPub);
      expect(report.verified).toBe(false);
      expect(report.plugins[1]!.errors[0]).toMatch(/^attestations\/in-toto\.dsse\.json: the key given \(sha256:[0-9a-f]{64}\) is not the manifest's signer \(sha256:[0-9a-f]{64}\)$/);
    });

    it('refuses a payload that is not an in-toto statement, and an envelope that is not DSSE', async () => {
      const dir = await freshPack();
      writeDsse(dir, statementOf(dir), keyPem, 'text/plain');
      expect((await verifyWithKey(dir)).plugins[1]!.errors).toEqual(['attestations/in-toto.dsse.json: payloadType is not application/vnd.in-toto+json']);
      writeFileSync(join(dir, 'attestations', 'in-toto.dsse.json'), '{"payload":"x"}');
      expect((await verifyWithKey(dir)).plugins[1]!.errors[0]).toMatch(/^attestations\/in-toto\.dsse\.json: not a DSSE envelope \(/);
    });

    it('checks an X.509 pack statement with the leaf certificate key', async () => {
      const pki = makeTestPki(join(root, 'pki'));
      const leaf = pki.leaves.p256;
      const dir = join(root, `pack-${++n}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'a.txt'), 'alpha\n');
      const leafPem = leaf.key.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      await createPack(dir, { keyPem: leafPem, chainPem: [leaf.der, ...leaf.chain].map((d) => toPem(d)).join(''), createdAt: AT });
      writeDsse(dir, statementOf(dir), leafPem);
      const report = await verifyPackContents(await readPack(dir), { registry: new PluginRegistry([]), at: AT });
      expect(report.plugins).toEqual([{ name: 'in-toto-dsse', ok: true, errors: [], warnings: [], details: { predicateType: 'https://example.test/v1', subjects: 1 } }]);
      // A statement alone never makes a pack verified: the manifest signature must be checked too.
      expect(report.verified).toBe(false);
      expect(report.errors).toEqual(['no attestation plugin applies: the pack carries no signature material']);
    });
  });
});
