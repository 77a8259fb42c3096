/** Why a Merkle computation or proof was refused, as a code a caller or a test can match. */
export type MerkleErrorCode =
  | 'BAD_INPUT' // an index, size or hash is malformed (negative, non-integer, wrong length)
  | 'BAD_PROOF' // the proof has the wrong number of hashes or a malformed hash
  | 'ROOT_MISMATCH'; // the proof is well-formed but does not lead to the expected root

export class MerkleError extends Error {
  readonly code: MerkleErrorCode;

  constructor(code: MerkleErrorCode, message: string) {
    super(message);
    this.name = 'MerkleError';
    this.code = code;
  }
}
