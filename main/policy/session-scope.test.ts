import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../shared/api/contract.ts';
import { currentSession, runInSession, withSessionScope } from './session-scope.ts';

describe('session scope', () => {
  it('is empty outside a call and carries the session through awaits inside one', async () => {
    expect(currentSession()).toBeUndefined();
    const seen = await runInSession({ actorId: 'alice', epoch: 3 }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      return currentSession();
    });
    expect(seen).toEqual({ actorId: 'alice', epoch: 3 });
  });

  it('wraps every method of an implementation, keeping `this` and results', async () => {
    const impl = withSessionScope({
      ns: {
        m: async (input: { x: number }, _ctx: CallContext) => ({ x: input.x, session: currentSession() }),
      },
    });
    const ctx: CallContext = { transport: 'in-process', session: { actorId: 'bob', epoch: 9 } };
    expect(await impl.ns.m({ x: 1 }, ctx)).toEqual({ x: 1, session: { actorId: 'bob', epoch: 9 } });
  });
});
