import type { WorkbenchClient } from '../../shared/api/client.ts';
import type { SessionHeader } from '../../shared/api/contract.ts';
import { WorkbenchError } from '../../shared/api/errors.ts';
import type { Actor } from '../../shared/domain/actors.ts';
import type { AuditEvent } from '../../shared/domain/audit.ts';

/** Test double of the parts of the client the stores use: audited reads behave like the real PEP. */
export interface FakeWorkbench {
  client: WorkbenchClient;
  trail: AuditEvent[];
  calls: string[];
  /** Listener the fake PEP announces appended events to (what the WebSocket would deliver). */
  onAppended: ((seq: number) => void) | undefined;
  /** Roles allowed to read the audit trail. */
  auditReaders: Set<string>;
  append(actorId: string, action: string, decision: 'allow' | 'deny'): AuditEvent;
}

const at = '2026-11-20T09:00:00.000Z';

export function actor(id: string, roles: string[], tenant = 'acme'): Actor {
  return { id, displayName: id.toUpperCase(), tenant, region: 'us-west-2', roles, createdAt: at };
}

export function createFakeWorkbench(actors: Actor[], initialEvents = 0): FakeWorkbench {
  let session: SessionHeader = {};
  const fake: FakeWorkbench = {
    client: undefined as unknown as WorkbenchClient,
    trail: [],
    calls: [],
    onAppended: undefined,
    auditReaders: new Set(['auditor']),
    append(actorId, action, decision) {
      const seq = fake.trail.length + 1;
      const e: AuditEvent = {
        id: `ae-${String(seq).padStart(6, '0')}`,
        seq,
        at,
        actorId,
        action,
        resourceType: 'audit-trail',
        resourceId: 'audit_events',
        decision,
        payload: { reason: decision },
        prevHash: '0'.repeat(64),
        hash: seq.toString(16).padStart(64, '0'),
        appealTicketId: null,
      };
      fake.trail.push(e);
      fake.onAppended?.(seq);
      return e;
    },
  };
  for (let i = 0; i < initialEvents; i++) fake.append('seed', 'evidence.read', 'allow');

  const current = () => {
    const id = session.actorId ?? actors[0]!.id;
    const a = actors.find((x) => x.id === id);
    if (!a) throw new WorkbenchError('UNAUTHENTICATED', `unknown actor ${JSON.stringify(id)}`, { actorId: id });
    return a;
  };
  const guardAudit = () => {
    const a = current();
    const allow = a.roles.some((r) => fake.auditReaders.has(r));
    const e = fake.append(a.id, 'audit.read', allow ? 'allow' : 'deny');
    if (!allow) {
      throw new WorkbenchError('DENIED', 'denied: audit.read needs one of the roles auditor', {
        reason: 'audit.read needs one of the roles auditor',
        policyIds: ['role.audit.read'],
        decisionId: e.id,
        appealLink: `#/appeals/new?denial=${e.id}`,
      });
    }
  };

  fake.client = {
    $transport: 'in-process',
    $session: { get: () => ({ ...session }), set: (s: SessionHeader) => void (session = { ...s }) },
    $events: { subscribe: () => () => undefined },
    system: {
      info: async () => {
        fake.calls.push('system.info');
        return {
          product: 'Compliance Workbench',
          version: '0.1.0',
          store: { kind: 'sqlite', display: '/data/workbench.sqlite' },
          offline: true,
          dataDir: '/data',
          capabilities: { verify: true, appeals: false, residency: false, optimizer: false, controlMap: false, redaction: false, auditPack: false },
          demoData: true,
        };
      },
    },
    session: {
      actors: async () => {
        fake.calls.push('session.actors');
        return actors;
      },
      whoami: async () => {
        fake.calls.push(`session.whoami(${session.actorId ?? ''})`);
        return { actor: current(), epoch: 4 };
      },
    },
    audit: {
      verifyChain: async () => {
        fake.calls.push('audit.verifyChain');
        guardAudit();
        return { ok: true, checked: fake.trail.length, firstBrokenSeq: null, reason: null };
      },
      list: async ({ afterSeq = 0, limit = 100 }: { afterSeq?: number; limit?: number }) => {
        fake.calls.push(`audit.list(${afterSeq},${limit})`);
        guardAudit();
        const rest = fake.trail.filter((e) => e.seq > afterSeq);
        const events = rest.slice(0, limit);
        return { events, nextAfterSeq: rest.length > limit ? events.at(-1)!.seq : null };
      },
    },
  } as unknown as WorkbenchClient;
  return fake;
}
