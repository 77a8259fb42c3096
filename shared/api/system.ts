import { z } from 'zod';
import { method } from './contract.ts';
import { Actor } from '../domain/actors.ts';

/** Capabilities and whether this build has them; a view whose capability is absent says what it will show. */
export const CAPABILITIES = ['verify', 'appeals', 'residency', 'optimizer', 'controlMap', 'redaction', 'auditPack'] as const;
export const Capability = z.enum(CAPABILITIES);
export type Capability = z.infer<typeof Capability>;

export const SystemInfo = z.object({
  product: z.literal('Compliance Workbench'),
  version: z.string(),
  store: z.object({ kind: z.enum(['sqlite', 'postgres']), display: z.string() }),
  /** True when nothing is configured that reaches the network (local store, no remote sources). */
  offline: z.boolean(),
  dataDir: z.string(),
  capabilities: z.record(Capability, z.boolean()),
  demoData: z.boolean(),
});
export type SystemInfo = z.infer<typeof SystemInfo>;

export const system = {
  info: method({ input: z.object({}), output: SystemInfo, summary: 'Which store, data folder and capabilities this workbench runs with.' }),
};

export const SessionView = z.object({
  actor: Actor,
  /** The policy epoch the session should present with its next call. */
  epoch: z.number().int().nonnegative(),
});
export type SessionView = z.infer<typeof SessionView>;

export const session = {
  actors: method({ input: z.object({}), output: z.array(Actor), summary: 'Actors a local user may act as (the actor switcher).' }),
  whoami: method({
    input: z.object({}),
    output: SessionView,
    summary: 'The actor this session acts as (the default actor when none is named) and the current policy epoch.',
  }),
};
