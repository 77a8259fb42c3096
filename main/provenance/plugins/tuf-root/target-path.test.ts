import { describe, expect, it } from 'vitest';
import { metadataFileName, targetFilePath, unsafeTargetPathReason } from './target-path.ts';

describe('target and metadata file names', () => {
  it('prefixes the file name with a hash under consistent snapshots', () => {
    expect(targetFilePath('a/b/c.json', true, 'abcd')).toEqual(['a', 'b', 'abcd.c.json']);
    expect(targetFilePath('c.json', true, 'abcd')).toEqual(['abcd.c.json']);
    expect(targetFilePath('a/c.json', false, undefined)).toEqual(['a', 'c.json']);
  });

  it('refuses names that could leave the targets folder', () => {
    expect(unsafeTargetPathReason('../x')).toBe('has an empty, "." or ".." segment');
    expect(unsafeTargetPathReason('a//b')).toBe('has an empty, "." or ".." segment');
    expect(unsafeTargetPathReason('/etc/passwd')).toBe('starts with "/"');
    expect(unsafeTargetPathReason('a\\b')).toBe('contains a backslash');
    expect(unsafeTargetPathReason('a\0b')).toBe('contains a NUL byte');
    expect(unsafeTargetPathReason('')).toBe('is empty');
    expect(unsafeTargetPathReason('a/b.json')).toBeUndefined();
    expect(() => targetFilePath('a/../b', false, undefined)).toThrow('target name "a/../b" has an empty, "." or ".." segment');
    expect(() => targetFilePath('b', true, '../x')).toThrow('target "b" has no hex hash to name its file by');
  });

  it('versions metadata file names and keeps role names one path segment', () => {
    expect(metadataFileName('snapshot', 4)).toBe('4.snapshot.json');
    expect(metadataFileName('targets', undefined)).toBe('targets.json');
    expect(metadataFileName('a/../b', 2)).toBe('2.a%2F..%2Fb.json');
  });
});
