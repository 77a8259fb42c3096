/**
 * For the audit trail view: a denial that was appealed links to its ticket, where the
 * decision artifact attached to it is shown. Drop-in for the "Appeal" cell:
 * `{e.appealTicketId ? <AuditAppealLink ticketId={e.appealTicketId} /> : ''}`.
 */
export function AuditAppealLink({ ticketId }: { ticketId: string }) {
  return (
    <a href={`#/appeals/${encodeURIComponent(ticketId)}`} data-testid="audit-appeal-link" title={`Open appeal ticket ${ticketId} and its decision`}>
      {ticketId}
    </a>
  );
}
