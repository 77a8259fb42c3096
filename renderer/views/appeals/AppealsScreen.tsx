import type { Actor } from '../../../shared/domain/actors.ts';
import type { AppealsClient } from './appeals-client.ts';
import { AppealDialog } from './AppealDialog.tsx';
import { QueueView } from './QueueView.tsx';
import { SlaDashboardView } from './SlaDashboardView.tsx';
import { TicketView } from './TicketView.tsx';
import './appeals.css';

export interface AppealsRoute {
  /** Path segments after `#/appeals`: [] | ['mine'] | ['dashboard'] | ['new'] | [ticketId]. */
  rest: string[];
  params: Record<string, string>;
}

export interface AppealsScreenProps {
  client: AppealsClient;
  actor: Actor;
  route: AppealsRoute;
  navigate(hash: string): void;
}

/** Roles that work the queue; only a hint for which tab opens first — the PEP decides access. */
const STAFF_ROLES = ['ombuds', 'auditor', 'admin'];

/**
 * The appeals capability: the ombuds queue, the requester's own appeals, a ticket with its
 * full timeline and decision, the SLA dashboard, and the Appeal dialog that the appeal link
 * of any denial opens (`#/appeals/new?denial=<audit event id>`).
 */
export function AppealsScreen({ client, actor, route, navigate }: AppealsScreenProps) {
  const staff = actor.roles.some((r) => STAFF_ROLES.includes(r));
  const [first] = route.rest;
  const tab = first === undefined ? (staff ? 'queue' : 'mine') : first === 'mine' || first === 'dashboard' || first === 'new' ? first : 'ticket';
  const listScope = tab === 'mine' || (tab === 'new' && !staff) ? 'mine' : 'all';
  const tabs = [
    ...(staff ? [{ id: 'queue', href: '#/appeals', label: 'Queue' }] : []),
    { id: 'mine', href: '#/appeals/mine', label: 'My appeals' },
    ...(staff ? [{ id: 'dashboard', href: '#/appeals/dashboard', label: 'SLA dashboard' }] : []),
  ];
  return (
    <article className="view appeals" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">Appeals</h1>
        <p className="lede">
          Every policy denial can be appealed. Ombuds reviewers work the queue against SLA clocks; each decision is a signed artifact attached to the
          audit event it decides.
        </p>
      </header>
      <nav className="ap-tabs" aria-label="Appeals">
        {tabs.map((t) => (
          <a key={t.id} href={t.href} className={tab === t.id || (tab === 'new' && t.id === (staff ? 'queue' : 'mine')) ? 'active' : undefined} aria-current={tab === t.id ? 'page' : undefined}>
            {t.label}
          </a>
        ))}
        {tab === 'ticket' && <span className="ap-tab-current" aria-current="page">Ticket {first}</span>}
      </nav>
      {tab === 'dashboard' && <SlaDashboardView key={actor.id} client={client} />}
      {tab === 'ticket' && <TicketView key={`${actor.id}:${first}`} client={client} actor={actor} ticketId={first!} navigate={navigate} />}
      {(tab === 'queue' || tab === 'mine' || tab === 'new') && <QueueView key={`${actor.id}:${listScope}`} client={client} actor={actor} scope={listScope} navigate={navigate} />}
      {tab === 'new' && (
        <AppealDialog key={`${actor.id}:${route.params.denial ?? ''}`} client={client} denialEventId={route.params.denial} navigate={navigate} onClose={() => navigate(staff ? '#/appeals' : '#/appeals/mine')} />
      )}
    </article>
  );
}
