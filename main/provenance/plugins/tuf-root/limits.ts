/** Bounds on what a repository may make the client read or walk (tuf-js defaults, except rotations). */
export interface TufLimits {
  /** Most root versions walked in one run; the walk stops with a warning when reached. */
  maxRootRotations: number;
  /** Most targets roles visited while looking for a target. */
  maxDelegations: number;
  rootMaxLength: number;
  timestampMaxLength: number;
  /** Used when timestamp does not record snapshot's length. */
  snapshotMaxLength: number;
  /** Used when snapshot does not record a targets role's length. */
  targetsMaxLength: number;
}

export const DEFAULT_LIMITS: TufLimits = {
  maxRootRotations: 256,
  maxDelegations: 32,
  rootMaxLength: 512_000,
  timestampMaxLength: 16_384,
  snapshotMaxLength: 2_000_000,
  targetsMaxLength: 5_000_000,
};
