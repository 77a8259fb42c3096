import { describe, expect, it } from 'vitest';
import { formatSignerKey, formatVerifierKey, generateNoteKey, parseSignerKey, parseVerifierKey, signerFromSeed } from './note-keys.ts';
import { openNote, parseNote, signNote } from './signed-note.ts';
import { tlogError } from './test-support.ts';

// The example from c2sp.org/signed-note.
const SPEC_VKEY = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
const SPEC_NOTE = 'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';
// The tessera corpus key: its base64 holds a '+'.
const CORPUS_VKEY = 'example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx';

describe('note keys', () => {
  it('parses verifier keys, splitting on the first two + only', () => {
    const k = parseVerifierKey(CORPUS_VKEY);
    expect(k.name).toBe('example.com/log/testdata');
    expect(k.keyId).toBe(0x33d7b496);
    expect(k.publicKey).toHaveLength(32);
    expect(formatVerifierKey(k)).toBe(CORPUS_VKEY);
  });

  it('refuses malformed verifier keys, naming the fault', () => {
    expect(() => parseVerifierKey('example.com/foo')).toThrow(tlogError('BAD_KEY', 'verifier key must be <name>+<key id>+<key>'));
    expect(() => parseVerifierKey(SPEC_VKEY.replace('530d903a', '530d903b'))).toThrow(tlogError('BAD_KEY', 'verifier key example.com/foo: key ID 530d903b does not match the key (530d903a)'));
    expect(() => parseVerifierKey(SPEC_VKEY.replace('530d903a', '530D903A'))).toThrow(tlogError('BAD_KEY', 'verifier key example.com/foo: key ID "530D903A" is not 8 lower-case hex digits'));
    expect(() => parseVerifierKey('example.com/foo+530d903a+AukyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toThrow(tlogError('BAD_KEY', 'verifier key example.com/foo: not an Ed25519 key (type 0x01 and 32 bytes)'));
    expect(() => parseVerifierKey('a b+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k')).toThrow(tlogError('BAD_KEY', 'key name "a b" must be non-empty, without spaces or \'+\''));
    expect(() => parseVerifierKey('example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2')).toThrow(tlogError('BAD_KEY', 'verifier key example.com/foo is not canonical base64'));
  });

  it('round-trips signer keys in the Go note format', () => {
    const seed = Buffer.alloc(32, 3);
    const skey = formatSignerKey('log.example/a', seed);
    expect(skey).toMatch(/^PRIVATE\+KEY\+log\.example\/a\+[0-9a-f]{8}\+AQMDAwMD/);
    const s = parseSignerKey(skey);
    expect(formatVerifierKey(s)).toBe(generateNoteKey('log.example/a', seed).verifierKey);
    expect(() => parseSignerKey(skey.replace('PRIVATE+KEY+', ''))).toThrow(tlogError('BAD_KEY', 'signer key must start with PRIVATE+KEY+'));
    const other = skey.replace(/\+[0-9a-f]{8}\+/, '+00000000+');
    expect(() => parseSignerKey(other)).toThrow(tlogError('BAD_KEY', /^signer key log\.example\/a: key ID 00000000 does not match the key/));
  });

  it('generates a fresh random key when no seed is given', () => {
    const a = generateNoteKey('log.example/r');
    const b = generateNoteKey('log.example/r');
    expect(a.verifierKey).not.toBe(b.verifierKey);
    expect(parseVerifierKey(a.verifierKey).name).toBe('log.example/r');
  });
});

describe('signed notes', () => {
  const v = parseVerifierKey(SPEC_VKEY);

  it('verifies the specification example', () => {
    expect(openNote(SPEC_NOTE, [v])).toEqual({ text: 'This is an example message.\n', verifiedBy: ['example.com/foo'], unknownSignatures: 0 });
  });

  it('ignores signatures by unknown keys, but needs one trusted signature', () => {
    const stranger = signerFromSeed('witness.example/w', Buffer.alloc(32, 8));
    const sameNameOtherKey = signerFromSeed('example.com/foo', Buffer.alloc(32, 9));
    const extra = signNote('This is an example message.\n', [stranger, sameNameOtherKey]).split('\n\n')[1]!;
    expect(openNote(SPEC_NOTE + extra, [v])).toEqual({ text: 'This is an example message.\n', verifiedBy: ['example.com/foo'], unknownSignatures: 2 });
    expect(() => openNote(`This is an example message.\n\n${extra}`, [v])).toThrow(
      tlogError('UNTRUSTED', 'no signature by a trusted key (trusted: example.com/foo; 2 signature(s) by unknown keys)'),
    );
  });

  it('rejects the note when a trusted signature fails', () => {
    expect(() => openNote(SPEC_NOTE.replace('example message', 'exemplary message'), [v])).toThrow(tlogError('BAD_SIGNATURE', 'signature by example.com/foo+530d903a does not verify'));
  });

  it('signs deterministically (Ed25519) and verifies its own signatures', () => {
    const s = signerFromSeed('log.example/n', Buffer.alloc(32, 4));
    const a = signNote('hello\n\nworld\n', [s]);
    expect(signNote('hello\n\nworld\n', [s])).toBe(a);
    // The text may hold blank lines: the signatures start after the last one.
    expect(openNote(a, [parseVerifierKey(formatVerifierKey(s))]).text).toBe('hello\n\nworld\n');
  });

  it('refuses malformed notes, naming the fault', () => {
    expect(() => parseNote('no signatures\n')).toThrow(tlogError('BAD_NOTE', 'note has no blank line before its signatures'));
    expect(() => parseNote('text\n\n— example.com/foo AAAA\n')).toThrow(tlogError('BAD_NOTE', 'signature line 1: not canonical base64 of a key ID and a signature'));
    expect(() => parseNote('text\n\n- example.com/foo AAAAAAAA\n')).toThrow(tlogError('BAD_NOTE', 'signature line 1 is not "— <name> <base64>"'));
    expect(() => parseNote('te\txt\n\n— a AAAAAAAA\n')).toThrow(tlogError('BAD_NOTE', 'note holds control character 0x09 at offset 2'));
    expect(() => parseNote(Uint8Array.of(0xff, 0x0a, 0x0a))).toThrow(tlogError('BAD_NOTE', 'note is not valid UTF-8'));
    expect(() => parseNote('text\n\n— a AAAAAAAA')).toThrow(tlogError('BAD_NOTE', 'note does not end with a newline'));
    expect(() => signNote('no newline', [signerFromSeed('a', Buffer.alloc(32))])).toThrow(tlogError('BAD_INPUT', 'note text must end with a newline'));
  });
});
