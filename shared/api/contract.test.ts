import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createDispatcher, method, methodsOf } from './contract.ts';
import { WorkbenchError, asWorkbenchError, toBridgeError } from './errors.ts';
import { buildClient } from './client.ts';
import { dispatchToWire, unwrapWire } from './wire.ts';
import { api } from './index.ts';

const demo = {
  math: {
    add: method({ input: z.object({ a: z.number(), b: z.number() }), output: z.object({ sum: z.number() }), summary: 'adds' }),
    broken: method({ input: z.object({}), output: z.object({ n: z.number() }), summary: 'returns the wrong shape' }),
    deny: method({ input: z.object({}), output: z.object({}), sensitive: true, summary: 'always denied' }),
  },
};
const impl = {
  math: {
    add: ({ a, b }: { a: number; b: number }) => ({ sum: a + b }),
    broken: () => ({ n: 'not a number' }) as unknown as { n: number },
    deny: () => {
      throw new WorkbenchError('DENIED', 'denied: no', { reason: 'no', policyIds: ['p1'], decisionId: 'ae-000001', appealLink: '#/appeals/new?denial=ae-000001' });
    },
  },
};

describe('contract dispatcher', () => {
  const dispatch = createDispatcher(demo, impl);

  it('validates input and returns the validated output', async () => {
    await expect(dispatch('math.add', { input: { a: 2, b: 3 } }, { transport: 'in-process' })).resolves.toEqual({ sum: 5 });
  });

  it('names the offending input path in a BAD_INPUT error', async () => {
    const err = await dispatch('math.add', { input: { a: 2, b: 'x' } }, { transport: 'in-process' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkbenchError);
    expect((err as WorkbenchError).code).toBe('BAD_INPUT');
    expect((err as WorkbenchError).message).toBe('math.add input: b: Invalid input: expected number, received string');
    expect((err as WorkbenchError).details).toEqual({ issues: [{ path: 'b', message: 'Invalid input: expected number, received string' }] });
  });

  it('refuses an output that breaks its schema (BAD_OUTPUT), never passing it on', async () => {
    const err = (await dispatch('math.broken', { input: {} }, { transport: 'in-process' }).catch((e: unknown) => e)) as WorkbenchError;
    expect(err.code).toBe('BAD_OUTPUT');
    expect(err.message).toBe('math.broken output: n: Invalid input: expected number, received string');
  });

  it('rejects unknown and malformed method names', async () => {
    for (const name of ['math.nope', 'nope', 'math.add.extra', '__proto__.x']) {
      const err = (await dispatch(name, { input: {} }, { transport: 'in-process' }).catch((e: unknown) => e)) as WorkbenchError;
      expect(err.code).toBe('UNKNOWN_METHOD');
    }
  });

  it('refuses an implementation that misses a contract method at wiring time', () => {
    expect(() => createDispatcher(demo, { math: { add: impl.math.add } } as never)).toThrow('contract method math.broken has no implementation');
  });

  it('carries a typed error through the wire and a client unchanged', async () => {
    const wire = await dispatchToWire(dispatch, 'math.deny', { input: {} }, { transport: 'http' });
    expect(wire).toEqual({
      ok: false,
      error: { code: 'DENIED', message: 'denied: no', details: { reason: 'no', policyIds: ['p1'], decisionId: 'ae-000001', appealLink: '#/appeals/new?denial=ae-000001' } },
    });
    const client = buildClient(demo, (m, env) => dispatchToWire(dispatch, m, env, { transport: 'http' }), () => ({}));
    const err = (await client.math.deny({}).catch((e: unknown) => e)) as WorkbenchError;
    expect(err).toBeInstanceOf(WorkbenchError);
    expect(err.toPayload()).toEqual(wire.ok ? undefined : wire.error);
    await expect(client.math.add({ a: 1, b: 1 })).resolves.toEqual({ sum: 2 });
  });

  it('restores a typed error that crossed the Electron context bridge as a message', () => {
    const bridged = toBridgeError(new WorkbenchError('RATE_LIMITED', 'slow down', { retryAfterMs: 1500 }));
    const plain = new Error(bridged.message); // what the other world sees
    expect(asWorkbenchError(plain).toPayload()).toEqual({ code: 'RATE_LIMITED', message: 'slow down', details: { retryAfterMs: 1500 } });
    expect(asWorkbenchError(new Error('boom')).toPayload()).toEqual({ code: 'INTERNAL', message: 'boom' });
  });

  it('rejects a malformed wire response as INTERNAL', () => {
    expect(() => unwrapWire('<html>')).toThrow('malformed response from the workbench');
  });
});

describe('the workbench contract', () => {
  it('lists every method with schemas, in a stable order', () => {
    const names = methodsOf(api).map(([n]) => n);
    expect(names).toEqual([...names].sort());
    expect(names).toContain('system.info');
    for (const [, spec] of methodsOf(api)) {
      expect(spec.input).toBeDefined();
      expect(spec.output).toBeDefined();
      expect(spec.summary.length).toBeGreaterThan(10);
    }
  });

  it('marks every method that reads evidence or the audit trail as sensitive', () => {
    const sensitive = methodsOf(api).filter(([, s]) => s.sensitive).map(([n]) => n);
    expect(sensitive).toEqual(expect.arrayContaining(['audit.list', 'audit.verifyChain', 'evidence.get', 'evidence.list']));
  });
});
