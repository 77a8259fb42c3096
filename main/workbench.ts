import { readFileSync } from 'node:fs';
import { api, type WorkbenchImpl } from '../shared/api/index.ts';
import { createDispatcher, type Dispatch } from '../shared/api/contract.ts';
import type { Capability } from '../shared/api/system.ts';
import type { WorkbenchConfig } from './config.ts';
import { EventBus } from './events/event-bus.ts';
import { openStore } from './store/open-store.ts';
import { seedDemoData } from './store/demo-seed.ts';
import type { Store } from './store/store.ts';
import { createPolicyServices } from './policy/create-policy.ts';
import { withSessionScope } from './policy/session-scope.ts';
import { APPEALS_ACTION_SPECS } from './appeals/appeals-actions.ts';
import { appealsImpl, createAppealsService } from './appeals/create-appeals.ts';
import { ExceptionAwarePdp } from './appeals/policy-exceptions.ts';
import { RedactionService } from './redaction/redaction-service.ts';
import { busEmitter as redactionEmitter } from './redaction/redaction-events.ts';
import { openRedaction } from './redaction/open-redaction.ts';
import { SessionService } from './session/session-service.ts';
import { EvidenceService } from './evidence/evidence-service.ts';
import { AuditService } from './audit/audit-service.ts';
import { VerifyApi } from './provenance/verify-api.ts';
import { CostguardService } from './costguard/costguard-service.ts';
import { RateLimiter } from './costguard/rate/rate-limiter.ts';
import { rateLimitedDispatch } from './costguard/rate/rate-limited-dispatch.ts';
import { loadOrCreateWorkbenchKey } from './appeals/workbench-key.ts';
import { AuditPackService } from './auditpack/audit-pack-service.ts';
import { buildAuditPack } from './auditpack/build-audit-pack.ts';
import { defaultCollectors, defaultDerivers } from './auditpack/default-audit-pack.ts';
import { controlMapPdf, indexPdf } from './auditpack/report/tables-pdf.ts';
import { findProjectRoot } from './project-root.ts';
import { ensureDemoEvidencePack } from './auditpack/demo-evidence-pack.ts';

/** Which views have their capability built; the renderer says what an unbuilt one will show. */
const BUILT_CAPABILITIES: Record<Capability, boolean> = {
  verify: true,
  appeals: true,
  residency: true,
  optimizer: true,
  controlMap: true,
  redaction: true,
  auditPack: true,
};

export interface Workbench {
  readonly config: WorkbenchConfig;
  readonly store: Store;
  readonly bus: EventBus;
  readonly impl: WorkbenchImpl;
  /** The one loop every transport uses: validate input, call the service, validate output. */
  readonly dispatch: Dispatch;
  /** True when this start loaded the demo data into an empty store. */
  readonly seeded: boolean;
  close(): Promise<void>;
}

/** The composition root: opens the store, wires every service, returns what implements the contract. */
export async function createWorkbench(config: WorkbenchConfig): Promise<Workbench> {
  const store = await openStore({ dataDir: config.dataDir, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    let seeded = false;
    if (config.seedDemoData && (await store.isEmpty())) {
      await seedDemoData(store);
      await store.setSetting('demo.seeded', true);
      // A signed provenance pack for the demo audit pack to include and verify.
      await ensureDemoEvidencePack(config.dataDir, config.now());
      seeded = true;
    }
    const bus = new EventBus();
    const policy = await createPolicyServices({
      store,
      bus,
      now: config.now,
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
      extraActions: APPEALS_ACTION_SPECS,
      // An overturned appeal may grant a time-bounded exception; the PEP must see it.
      wrapPdp: (p) => new ExceptionAwarePdp({ inner: p, sql: () => store.sql, now: config.now }),
    });
    const { pdp, pep } = policy;
    const session = new SessionService({ store, pdp });
    const policyImpl = policy.impl(session);
    const appeals = createAppealsService({ store, pep, pdp, session, bus, now: config.now, dataDir: config.dataDir });
    const stopSweeper = appeals.startBreachSweeper(60_000);
    const redaction = new RedactionService({ store, pep, session, now: config.now, emit: redactionEmitter(bus), open: () => openRedaction(store, config.dataDir) });
    const evidence = new EvidenceService({ store, pep, session, residency: policy.residencyGuard });
    const audit = new AuditService({ store, pep, session });
    const verify = new VerifyApi({ pep, session, bus, dataDir: config.dataDir, now: config.now });
    // Per-namespace rate shaping on every transport; analysis is the costly namespace.
    const limiter = new RateLimiter(
      { default: { quota: 600, windowSeconds: 60 }, namespaces: { costguard: { quota: 60, windowSeconds: 60, burst: 20 } } },
      () => config.now().getTime(),
    );
    const auditPack = new AuditPackService({
      store,
      pep,
      session,
      now: config.now,
      dataDir: config.dataDir,
      projectRoot: () => findProjectRoot(),
      workbenchVersion: config.version,
      signingKey: () => {
        const key = loadOrCreateWorkbenchKey(config.dataDir);
        return { key, pem: readFileSync(key.path, 'utf8') };
      },
      emit: (p) => bus.emit('progress', p),
      buildAuditPack,
      collectors: defaultCollectors,
      derivers: defaultDerivers,
      pdfs: { controlMap: controlMapPdf, index: indexPdf },
    });
    const costguard = new CostguardService({ store, session, now: config.now, limiter, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });

    const impl: WorkbenchImpl = withSessionScope({
      system: {
        info: async () => ({
          product: 'Compliance Workbench' as const,
          version: config.version,
          store: { kind: store.location.kind, display: store.location.display },
          offline: store.location.kind === 'sqlite',
          dataDir: config.dataDir,
          capabilities: BUILT_CAPABILITIES,
          demoData: (await store.getSetting<boolean>('demo.seeded')) === true,
        }),
      },
      session: {
        actors: () => session.actors(),
        whoami: (_input, ctx) => session.whoami(ctx),
      },
      evidence: {
        list: (input, ctx) => evidence.list(input, ctx),
        get: (input, ctx) => evidence.get(input, ctx),
      },
      audit: {
        list: (input, ctx) => audit.list(input, ctx),
        verifyChain: (input, ctx) => audit.verifyChain(input, ctx),
      },
      verify: {
        run: (input, ctx) => verify.run(input, ctx),
      },
      costguard: costguard.impl(),
      policy: policyImpl.policy,
      residency: policyImpl.residency,
      appeals: appealsImpl(appeals),
      redaction: {
        policies: (i, c) => redaction.policies(i, c),
        savePolicy: (i, c) => redaction.savePolicy(i, c),
        dryRun: (i, c) => redaction.dryRun(i, c),
        listJobs: (i, c) => redaction.listJobs(i, c),
        apply: (i, c) => redaction.apply(i, c),
        cancel: (i, c) => redaction.cancel(i, c),
        resume: (i, c) => redaction.resume(i, c),
        restore: (i, c) => redaction.restore(i, c),
        receipts: (i, c) => redaction.receipts(i, c),
        certificate: (i, c) => redaction.certificate(i, c),
        verify: (i, c) => redaction.verify(i, c),
      },
      auditpack: {
        build: (i, c) => auditPack.build(i, c),
        cancel: (i, c) => auditPack.cancel(i, c),
        list: (i, c) => auditPack.list(i, c),
        get: (i, c) => auditPack.get(i, c),
        controlMap: (i, c) => auditPack.controlMap(i, c),
        readEntry: (i, c) => auditPack.readEntry(i, c),
        download: (i, c) => auditPack.download(i, c),
      },
    });
    const dispatch = rateLimitedDispatch(createDispatcher(api, impl), limiter);
    const close = async () => {
      stopSweeper();
      await auditPack.close();
      await redaction.close();
      await costguard.close();
      await policy.close();
      await store.close();
    };
    return { config, store, bus, impl, dispatch, seeded, close };
  } catch (e) {
    await store.close();
    throw e;
  }
}
