import { describe, expect, it } from 'vitest';
import { EMPTY_ROOT } from '../merkle/hash.ts';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.ts';
import { parseSignerKey, parseVerifierKey } from './note-keys.ts';
import { testKey, tlogError } from './test-support.ts';

const ROOT_B64 = Buffer.from(EMPTY_ROOT).toString('base64');

describe('checkpoints', () => {
  it('formats and parses origin, size, root and extension lines', () => {
    const text = formatCheckpoint({ origin: 'log.example/a', size: 20852163, root: EMPTY_ROOT, extensions: ['time 1700000000'] });
    expect(text).toBe(`log.example/a\n20852163\n${ROOT_B64}\ntime 1700000000\n`);
    expect(parseCheckpoint(text)).toEqual({ origin: 'log.example/a', size: 20852163, root: new Uint8Array(EMPTY_ROOT), extensions: ['time 1700000000'] });
  });

  it('refuses malformed bodies, naming the line', () => {
    expect(() => parseCheckpoint(`a\n012\n${ROOT_B64}\n`)).toThrow(tlogError('BAD_CHECKPOINT', 'checkpoint line 2 (size) "012" is not a decimal without leading zeros'));
    expect(() => parseCheckpoint('a\n1\nAAAA\n')).toThrow(tlogError('BAD_CHECKPOINT', 'checkpoint line 3 (root) is not the base64 of a 32-byte hash'));
    expect(() => parseCheckpoint(`a\n1\n${ROOT_B64}\n\n`)).toThrow(tlogError('BAD_CHECKPOINT', 'checkpoint line 4 (extension) is empty'));
    expect(() => parseCheckpoint('a\n1\n')).toThrow(tlogError('BAD_CHECKPOINT', 'checkpoint has 2 lines, needs origin, size and root'));
    expect(() => parseCheckpoint(`\n1\n${ROOT_B64}\n`)).toThrow(tlogError('BAD_CHECKPOINT', 'checkpoint line 1 (origin) is empty'));
    expect(() => parseCheckpoint(`a\n9007199254740993\n${ROOT_B64}\n`)).toThrow(tlogError('BAD_CHECKPOINT', 'checkpoint size 9007199254740993 is beyond 2^53 - 1'));
  });

  it('opens a signed checkpoint for the expected origin only', () => {
    const k = testKey('log.example/a');
    const note = signCheckpoint({ origin: 'log.example/a', size: 0, root: EMPTY_ROOT, extensions: [] }, [parseSignerKey(k.signerKey)]);
    const v = parseVerifierKey(k.verifierKey);
    expect(openCheckpoint(note, [v])).toMatchObject({ origin: 'log.example/a', size: 0, note, verifiedBy: ['log.example/a'] });
    expect(() => openCheckpoint(note, [v], 'log.example/b')).toThrow(tlogError('WRONG_ORIGIN', 'checkpoint origin "log.example/a" is not "log.example/b"'));
  });
});
