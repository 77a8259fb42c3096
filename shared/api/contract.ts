import { z } from 'zod';
import { WorkbenchError, badInput } from './errors.ts';

/** One method of the contract: schemas for both directions and whether the PEP must guard it. */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** Sensitive methods create, read or export a sensitive object; each goes through the PEP. */
  readonly sensitive: boolean;
  readonly summary: string;
}

export function method<I extends z.ZodType, O extends z.ZodType>(spec: {
  input: I;
  output: O;
  sensitive?: boolean;
  summary: string;
}): MethodSpec<I, O> {
  return { input: spec.input, output: spec.output, sensitive: spec.sensitive ?? false, summary: spec.summary };
}

export type Namespace = Readonly<Record<string, MethodSpec>>;
export type Contract = Readonly<Record<string, Namespace>>;

/** Every method as `namespace.name`, in a stable order. */
export function methodsOf<C extends Contract>(contract: C): Array<[string, MethodSpec]> {
  const out: Array<[string, MethodSpec]> = [];
  for (const ns of Object.keys(contract).sort()) {
    const methods = contract[ns]!;
    for (const name of Object.keys(methods).sort()) out.push([`${ns}.${name}`, methods[name]!]);
  }
  return out;
}

export function splitMethodName(full: string): [string, string] | undefined {
  const dot = full.indexOf('.');
  if (dot <= 0 || dot === full.length - 1 || full.indexOf('.', dot + 1) !== -1) return undefined;
  return [full.slice(0, dot), full.slice(dot + 1)];
}

/** The session a caller presents with every call: who acts, and the policy epoch it last saw. */
export const SessionHeader = z.object({
  actorId: z.string().min(1).optional(),
  epoch: z.number().int().nonnegative().optional(),
});
export type SessionHeader = z.infer<typeof SessionHeader>;

/** What every transport sends: the method's input plus the session header. */
export const CallEnvelope = z.object({
  input: z.unknown(),
  session: SessionHeader.optional(),
});
export type CallEnvelope = z.infer<typeof CallEnvelope>;

export type Transport = 'in-process' | 'http' | 'ipc';

/** What a service learns about its caller. */
export interface CallContext {
  readonly transport: Transport;
  readonly session: SessionHeader;
  /** Aborted when the caller goes away or cancels. */
  readonly signal?: AbortSignal;
}

type In<M> = M extends MethodSpec<infer I, z.ZodType> ? z.input<I> : never;
type InParsed<M> = M extends MethodSpec<infer I, z.ZodType> ? z.output<I> : never;
type Out<M> = M extends MethodSpec<z.ZodType, infer O> ? z.output<O> : never;
type OutRaw<M> = M extends MethodSpec<z.ZodType, infer O> ? z.input<O> : never;

/** What `window.workbench` (and every other client) looks like. */
export type ClientOf<C extends Contract> = {
  [NS in keyof C]: { [M in keyof C[NS]]: (input: In<C[NS][M]>) => Promise<Out<C[NS][M]>> };
};

/** What the services implement. */
export type ImplOf<C extends Contract> = {
  [NS in keyof C]: {
    [M in keyof C[NS]]: (input: InParsed<C[NS][M]>, ctx: CallContext) => Promise<OutRaw<C[NS][M]>> | OutRaw<C[NS][M]>;
  };
};

export type Dispatch = (method: string, envelope: unknown, ctx: Omit<CallContext, 'session'>) => Promise<unknown>;

/**
 * The loop every transport shares: find the method, validate the envelope and input,
 * call the implementation, validate the output. Errors are WorkbenchErrors.
 */
export function createDispatcher<C extends Contract>(contract: C, impl: ImplOf<C>): Dispatch {
  const table = new Map<string, { spec: MethodSpec; fn: (input: unknown, ctx: CallContext) => unknown }>();
  for (const [full, spec] of methodsOf(contract)) {
    const [ns, name] = splitMethodName(full)!;
    const group = (impl as Record<string, Record<string, unknown>>)[ns];
    const fn = group?.[name];
    if (typeof fn !== 'function') throw new Error(`contract method ${full} has no implementation`);
    table.set(full, { spec, fn: fn.bind(group) as (input: unknown, ctx: CallContext) => unknown });
  }
  return async (full, rawEnvelope, base) => {
    const entry = table.get(full);
    if (!entry) throw new WorkbenchError('UNKNOWN_METHOD', `no method named ${JSON.stringify(full)}`);
    const env = CallEnvelope.safeParse(rawEnvelope ?? {});
    if (!env.success) throw badInput(`${full} envelope`, env.error);
    const input = entry.spec.input.safeParse(env.data.input);
    if (!input.success) throw badInput(`${full} input`, input.error);
    const ctx: CallContext = { ...base, session: env.data.session ?? {} };
    const result = await entry.fn(input.data, ctx);
    const output = entry.spec.output.safeParse(result);
    if (!output.success) {
      const e = badInput(`${full} output`, output.error);
      throw new WorkbenchError('BAD_OUTPUT', e.message, e.details);
    }
    return output.data;
  };
}

/** Events pushed to clients: a topic name and a payload schema. */
export type EventMap = Readonly<Record<string, z.ZodType>>;
export interface EventMessage {
  topic: string;
  payload: unknown;
}
