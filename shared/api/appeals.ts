import { z } from 'zod';
import { method } from './contract.ts';
import { Sha256Hex } from '../domain/audit.ts';
import { AppealOutcome, DecisionArtifact, EvidenceLink, ExceptionGrant } from '../domain/decision-artifact.ts';
import { Labels } from '../domain/evidence.ts';
import { OmbudsTicket, TicketState } from '../domain/tickets.ts';
import { IsoTime } from '../domain/time.ts';

export const TicketPriority = OmbudsTicket.shape.priority;
export type TicketPriority = z.infer<typeof TicketPriority>;
const TicketId = z.string().min(1).max(100);
const AuditEventId = z.string().min(1).max(100);

// ---- SLA policy ------------------------------------------------------------------------

const Minutes = z.number().int().positive().max(525_600);
export const PriorityMinutes = z.object({ low: Minutes, normal: Minutes, high: Minutes, urgent: Minutes }).strict();
export type PriorityMinutes = z.infer<typeof PriorityMinutes>;

const ClockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'HH:MM (24-hour)');
const DateOnly = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'YYYY-MM-DD');

/**
 * Working hours the SLA clock counts: weekdays (0 = Sunday … 6 = Saturday) from `start` to
 * `end` in a fixed UTC offset, except holidays (local dates). A fixed offset keeps the clock
 * deterministic on every machine; daylight-saving changes are a new policy version.
 */
export const BusinessCalendar = z
  .object({
    utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60),
    workdays: z.array(z.number().int().min(0).max(6)).min(1).max(7),
    start: ClockTime,
    end: ClockTime,
    holidays: z.array(DateOnly).max(1000).default([]),
  })
  .strict()
  .refine((c) => c.start < c.end, { message: 'start must be before end', path: ['end'] })
  .refine((c) => new Set(c.workdays).size === c.workdays.length, { message: 'each workday at most once', path: ['workdays'] });
export type BusinessCalendar = z.infer<typeof BusinessCalendar>;

/**
 * Targets per ticket state and priority. A ticket in `new` runs against `timeToTriage`
 * (opening → triage); in `triage` it runs against `timeToDecision` (opening → decision);
 * `pending_info` pauses that clock and moves its due time by the pause; `decided` stops it.
 * With a calendar, targets are business minutes.
 */
export const SlaPolicy = z
  .object({
    name: z.string().min(1).max(200),
    targets: z.object({ timeToTriage: PriorityMinutes, timeToDecision: PriorityMinutes }).strict(),
    calendar: BusinessCalendar.nullable(),
  })
  .strict()
  .superRefine((p, ctx) => {
    for (const prio of ['low', 'normal', 'high', 'urgent'] as const) {
      if (p.targets.timeToTriage[prio] > p.targets.timeToDecision[prio]) {
        ctx.addIssue({ code: 'custom', path: ['targets', 'timeToTriage', prio], message: `time to triage exceeds time to decision for ${prio}` });
      }
    }
  });
export type SlaPolicy = z.infer<typeof SlaPolicy>;

export const SlaPolicyVersion = z.object({
  /** 0 is the built-in default, in force until someone sets a policy. */
  version: z.number().int().nonnegative(),
  policy: SlaPolicy,
  setAt: IsoTime.nullable(),
  setBy: z.string().nullable(),
});
export type SlaPolicyVersion = z.infer<typeof SlaPolicyVersion>;

// ---- SLA status ------------------------------------------------------------------------

export const SLA_MILESTONES = ['triage', 'decision'] as const;
export const SlaMilestone = z.enum(SLA_MILESTONES);
export type SlaMilestone = z.infer<typeof SlaMilestone>;

export const MilestoneStatus = z.object({
  milestone: SlaMilestone,
  targetMinutes: z.number().int().positive(),
  /** When the target is (or was) reached; null while paused before reaching it. */
  dueAt: IsoTime.nullable(),
  /** When the milestone was met (triage started / decided). */
  completedAt: IsoTime.nullable(),
  /** The due time, when it passed before completion (or before `at` for an open milestone). */
  breachedAt: IsoTime.nullable(),
  /** Target time still unused at `at` (business ms with a calendar); 0 once breached. */
  remainingMs: z.number().int().nonnegative(),
  /** Wall-clock time spent paused (pending_info). */
  pausedMs: z.number().int().nonnegative(),
  state: z.enum(['running', 'paused', 'met', 'breached']),
});
export type MilestoneStatus = z.infer<typeof MilestoneStatus>;

export const SlaStatus = z.object({
  at: IsoTime,
  policyVersion: z.number().int().nonnegative(),
  priority: TicketPriority,
  clock: z.enum(['running', 'paused', 'stopped']),
  /** The milestone the clock runs against now (null once decided). */
  current: SlaMilestone.nullable(),
  dueAt: IsoTime.nullable(),
  breached: z.boolean(),
  triage: MilestoneStatus,
  decision: MilestoneStatus,
});
export type SlaStatus = z.infer<typeof SlaStatus>;

// ---- tickets ---------------------------------------------------------------------------

export const TIMELINE_KINDS = ['opened', 'triaged', 'assigned', 'priority', 'info_requested', 'info_provided', 'comment', 'decided', 'sla'] as const;
export const TimelineKind = z.enum(TIMELINE_KINDS);
export type TimelineKind = z.infer<typeof TimelineKind>;

export const TimelineEntry = z.object({
  ticketId: z.string(),
  seq: z.number().int().positive(),
  at: IsoTime,
  actorId: z.string(),
  kind: TimelineKind,
  /** Kind-specific facts: {from, to} for transitions, {change, dueAt, …} for the SLA clock, … */
  data: z.record(z.string(), z.unknown()),
  /** The hash-chained audit event that records this entry. */
  auditEventId: z.string(),
  /** Entries derived from a ticket row written before the appeals service (demo data) have no audit event. */
  derived: z.boolean(),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const AppealComment = z.object({
  id: z.string(),
  ticketId: z.string(),
  author: z.string(),
  at: IsoTime,
  kind: z.enum(['comment', 'question', 'answer']),
  body: z.string(),
});
export type AppealComment = z.infer<typeof AppealComment>;

export const TicketSummary = z.object({
  id: z.string(),
  state: TicketState,
  priority: TicketPriority,
  requester: z.string(),
  assignee: z.string().nullable(),
  denialEventId: z.string().nullable(),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  clock: z.enum(['running', 'paused', 'stopped']),
  /** Due time of the milestone the clock runs against (null when paused or decided). */
  dueAt: IsoTime.nullable(),
  breached: z.boolean(),
});
export type TicketSummary = z.infer<typeof TicketSummary>;

export const PolicyException = ExceptionGrant.extend({
  ticketId: z.string(),
  artifactId: z.string(),
  grantedBy: z.string(),
  grantedEventId: z.string(),
  revokedAt: IsoTime.nullable(),
  revokedBy: z.string().nullable(),
  revokeReason: z.string().nullable(),
  /** At the time of the call: valid, not revoked. */
  active: z.boolean(),
});
export type PolicyException = z.infer<typeof PolicyException>;

export const DenialSummary = z.object({
  eventId: z.string(),
  eventHash: Sha256Hex,
  at: IsoTime,
  actorId: z.string(),
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  reason: z.string(),
  policyIds: z.array(z.string()),
  epoch: z.number().int().nonnegative(),
});
export type DenialSummary = z.infer<typeof DenialSummary>;

export const TicketDetail = z.object({
  ticket: OmbudsTicket,
  sla: SlaStatus,
  denial: DenialSummary.nullable(),
  timeline: z.array(TimelineEntry),
  comments: z.array(AppealComment),
  artifact: DecisionArtifact.nullable(),
  exception: PolicyException.nullable(),
  /** What the caller may do next: the buttons the ticket view shows. */
  can: z.object({ triage: z.boolean(), requestInfo: z.boolean(), provideInfo: z.boolean(), comment: z.boolean(), decide: z.boolean() }),
});
export type TicketDetail = z.infer<typeof TicketDetail>;

// ---- denial context and minimization ---------------------------------------------------

export const RequestShape = z.object({
  action: z.string(),
  resourceType: z.string(),
  resourceId: z.string(),
  labels: Labels.partial(),
});
export type RequestShape = z.infer<typeof RequestShape>;

export const DenialCause = z.object({
  label: z.enum(['tenant', 'region', 'sensitivity', 'purpose']),
  value: z.string(),
  /** The value that, alone, the current policy would allow. */
  allowedWith: z.string(),
});
export type DenialCause = z.infer<typeof DenialCause>;

export const MINIMIZATION_KINDS = ['fewer-fields', 'narrower-purpose', 'redacted-export'] as const;
export const MinimizationSuggestion = z.object({
  id: z.string(),
  kind: z.enum(MINIMIZATION_KINDS),
  title: z.string(),
  description: z.string(),
  request: RequestShape,
  /** The policies that would allow the narrower request, as the PDP answered just now. */
  allowedBy: z.array(z.string()),
  epoch: z.number().int().nonnegative(),
});
export type MinimizationSuggestion = z.infer<typeof MinimizationSuggestion>;

export const DenialContext = z.object({
  denial: DenialSummary,
  request: RequestShape,
  appealLink: z.string(),
  appealable: z.boolean(),
  /** Why not, when not: not a denial, not the caller's, already appealed. */
  notAppealableReason: z.string().nullable(),
  existingTicketId: z.string().nullable(),
  causes: z.array(DenialCause),
  suggestions: z.array(MinimizationSuggestion),
});
export type DenialContext = z.infer<typeof DenialContext>;

// ---- dashboard, artifacts --------------------------------------------------------------

export const AGEING_BUCKETS = ['<1d', '1-3d', '3-7d', '>7d'] as const;
export const SlaDashboard = z.object({
  at: IsoTime,
  tickets: z.number().int().nonnegative(),
  decided: z.number().int().nonnegative(),
  decidedOnTime: z.number().int().nonnegative(),
  /** decidedOnTime / decided × 100, one decimal; null when nothing is decided yet. */
  onTimePercent: z.number().min(0).max(100).nullable(),
  breaches: z.object({ triage: z.number().int().nonnegative(), decision: z.number().int().nonnegative() }),
  breachesByPriority: z.record(TicketPriority, z.number().int().nonnegative()),
  byState: z.record(TicketState, z.number().int().nonnegative()),
  /** Open tickets by state and age since opening. */
  ageing: z.array(z.object({ state: TicketState, buckets: z.record(z.enum(AGEING_BUCKETS), z.number().int().nonnegative()) })),
  outcomes: z.record(AppealOutcome, z.number().int().nonnegative()),
});
export type SlaDashboard = z.infer<typeof SlaDashboard>;

export const ArtifactCheck = z.object({ name: z.string(), ok: z.boolean(), detail: z.string() });
export const ArtifactVerification = z.object({
  artifactId: z.string(),
  ok: z.boolean(),
  checks: z.array(ArtifactCheck),
  /** Any failure, including a thrown one: verification fails closed. */
  error: z.string().nullable(),
});
export type ArtifactVerification = z.infer<typeof ArtifactVerification>;

export const ArtifactView = z.object({ artifact: DecisionArtifact, verification: ArtifactVerification, ticketId: z.string() });
export type ArtifactView = z.infer<typeof ArtifactView>;

export const ChainVerification = z.object({
  ok: z.boolean(),
  checked: z.number().int().nonnegative(),
  keyId: Sha256Hex,
  failures: z.array(ArtifactVerification),
});
export type ChainVerification = z.infer<typeof ChainVerification>;

// ---- inputs ----------------------------------------------------------------------------

const Text = (max: number) => z.string().trim().min(1).max(max);

export const OpenAppeal = z.object({
  denialEventId: AuditEventId,
  justification: Text(4000),
  priority: TicketPriority.default('normal'),
});
export type OpenAppeal = z.input<typeof OpenAppeal>;

export const QueueQuery = z.object({
  /** mine: the caller's own appeals (any requester); all: every ticket (ombuds, auditors). */
  scope: z.enum(['mine', 'all']).default('all'),
  states: z.array(TicketState).max(4).optional(),
  priorities: z.array(TicketPriority).max(4).optional(),
  breached: z.boolean().optional(),
  assignee: z.string().min(1).optional(),
  sort: z.enum(['due', 'created', 'priority', 'state', 'updated']).default('due'),
  direction: z.enum(['asc', 'desc']).default('asc'),
  offset: z.number().int().nonnegative().default(0),
  limit: z.number().int().positive().max(1000).default(200),
});
export type QueueQuery = z.input<typeof QueueQuery>;

export const QueuePage = z.object({ total: z.number().int().nonnegative(), offset: z.number().int().nonnegative(), rows: z.array(TicketSummary), at: IsoTime });
export type QueuePage = z.infer<typeof QueuePage>;

export const TriageInput = z.object({
  ticketId: TicketId,
  /** Defaults to the caller when the ticket has no assignee yet. */
  assignee: z.string().min(1).optional(),
  priority: TicketPriority.optional(),
});

export const DecideInput = z.object({
  ticketId: TicketId,
  outcome: AppealOutcome,
  rationale: Text(8000),
  evidenceLinks: z.array(EvidenceLink).max(50).default([]),
  /** Overturned or modified only: allow the (narrowed) request again until `validUntil`. */
  exception: z
    .object({
      validUntil: IsoTime,
      /** For "modified": the labels the allowed request must carry (e.g. a suggestion's). */
      labels: Labels.partial().optional(),
    })
    .optional(),
});
export type DecideInput = z.input<typeof DecideInput>;

export const DecideResult = z.object({ detail: TicketDetail, artifact: DecisionArtifact });

export const ExceptionQuery = z.object({ activeOnly: z.boolean().default(false) });

// ---- the namespace ---------------------------------------------------------------------

export const appeals = {
  denial: method({
    input: z.object({ denialEventId: AuditEventId }),
    output: DenialContext,
    sensitive: true,
    summary: 'A denial as the Appeal modal shows it: reason, the labels that caused it, narrower requests the policy allows now.',
  }),
  open: method({
    input: OpenAppeal,
    output: TicketDetail,
    sensitive: true,
    summary: 'Appeal a denial: opens an ombuds ticket, links it to the denial event and starts the SLA clock.',
  }),
  queue: method({
    input: QueueQuery,
    output: QueuePage,
    sensitive: true,
    summary: 'Tickets filtered by state, priority, breach and assignee, sorted by due time, creation, priority or state.',
  }),
  get: method({ input: z.object({ ticketId: TicketId }), output: TicketDetail, sensitive: true, summary: 'One ticket with its SLA clock, full timeline, comments and decision.' }),
  triage: method({ input: TriageInput, output: TicketDetail, sensitive: true, summary: 'Start triage (new → triage), assign a reviewer, set the priority.' }),
  requestInfo: method({
    input: z.object({ ticketId: TicketId, question: Text(4000) }),
    output: TicketDetail,
    sensitive: true,
    summary: 'Ask the requester for information (triage → pending_info); pauses the SLA clock.',
  }),
  provideInfo: method({
    input: z.object({ ticketId: TicketId, answer: Text(4000) }),
    output: TicketDetail,
    sensitive: true,
    summary: "The requester's answer (pending_info → triage); resumes the SLA clock with the due time moved by the pause.",
  }),
  comment: method({ input: z.object({ ticketId: TicketId, body: Text(4000) }), output: TicketDetail, sensitive: true, summary: 'Add a comment to a ticket.' }),
  decide: method({
    input: DecideInput,
    output: DecideResult,
    sensitive: true,
    summary: 'Decide an appeal: a signed, hash-chained decision artifact attached to the denial; an overturn may grant a time-bounded exception.',
  }),
  artifact: method({
    input: z.union([z.object({ artifactId: z.string().min(1) }), z.object({ auditEventId: AuditEventId })]),
    output: ArtifactView,
    sensitive: true,
    summary: 'A decision artifact by id or by the audit event it decides, verified against the workbench key.',
  }),
  verifyArtifacts: method({
    input: z.object({}),
    output: ChainVerification,
    sensitive: true,
    summary: 'Verify every decision artifact: hashes, signatures, chain links and the denial events they pin.',
  }),
  dashboard: method({ input: z.object({}), output: SlaDashboard, sensitive: true, summary: 'SLA compliance: on-time share, breaches, ageing by state, outcomes.' }),
  slaPolicy: method({ input: z.object({}), output: SlaPolicyVersion, sensitive: true, summary: 'The SLA policy new tickets start with.' }),
  setSlaPolicy: method({ input: SlaPolicy, output: SlaPolicyVersion, sensitive: true, summary: 'Set the SLA policy for tickets opened from now on (a new version, audited).' }),
  exceptions: method({ input: ExceptionQuery, output: z.array(PolicyException), sensitive: true, summary: 'Policy exceptions granted by appeal decisions.' }),
  revokeException: method({
    input: z.object({ exceptionId: z.string().min(1), reason: Text(2000) }),
    output: PolicyException,
    sensitive: true,
    summary: 'Revoke a policy exception before it expires (audited).',
  }),
};

// ---- events ----------------------------------------------------------------------------

/** Event topics this capability pushes; the lead adds them to `shared/api/events.ts`. */
export const appealsEvents = {
  'appeals.ticket.changed': z.object({ ticketId: z.string(), state: TicketState, kind: TimelineKind, at: IsoTime }),
  'appeals.sla.breached': z.object({
    ticketId: z.string(),
    milestone: SlaMilestone,
    priority: TicketPriority,
    dueAt: IsoTime,
    detectedAt: IsoTime,
    auditEventId: z.string(),
  }),
} as const;
export type AppealsEventTopic = keyof typeof appealsEvents;
export type AppealsEventPayload<T extends AppealsEventTopic> = z.infer<(typeof appealsEvents)[T]>;
