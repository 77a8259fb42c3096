import type { ClientOf, ImplOf } from './contract.ts';
import { system, session } from './system.ts';
import { evidence } from './evidence.ts';
import { audit } from './audit.ts';
import { verify } from './verify.ts';
import { costguard } from './costguard.ts';
import { policy } from './policy.ts';
import { residency } from './residency.ts';
import { appeals } from './appeals.ts';
import { redaction } from './redaction.ts';
import { auditpack } from './auditpack.ts';

/** The whole contract: every namespace of methods. Transports loop over it. */
export const api = { system, session, evidence, audit, verify, costguard, policy, residency, appeals, redaction, auditpack } as const;
export type Api = typeof api;
export type WorkbenchApi = ClientOf<Api>;
export type WorkbenchImpl = ImplOf<Api>;

export { events } from './events.ts';
export type { EventTopic, EventPayload, WorkbenchEvent } from './events.ts';
