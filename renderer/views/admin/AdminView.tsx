import { useState, type FormEvent } from 'react';
import { useStore, type StoreApi } from 'zustand';
import type { PolicyOverview } from '../../../shared/api/policy.ts';
import { ActionFeedback } from '../../components/ActionFeedback.tsx';
import { DataTable } from '../../components/DataTable.tsx';
import { ErrorPanel } from '../../components/ErrorPanel.tsx';
import { usePolicyFollowingStore } from '../use-policy-following-store.ts';
import { createAdminStore, type AdminState } from './admin-store.ts';
import { windowPolicyClient, type PolicyClient } from './policy-client.ts';
import './admin.css';

/**
 * Who may do what, changed while the workbench runs: assign and remove roles, grant and
 * revoke consents, edit policies (checked by the engine before saving). Every change is
 * itself decided and audited, and takes effect on the very next sensitive action; the view
 * refreshes when any workbench on the store broadcasts `policy.changed`.
 */
export function AdminView({ client, store: given }: { client?: PolicyClient; store?: StoreApi<AdminState> } = {}) {
  const store = usePolicyFollowingStore(given, client, windowPolicyClient, createAdminStore);
  const status = useStore(store, (s) => s.status);
  const overview = useStore(store, (s) => s.overview);
  const error = useStore(store, (s) => s.error);

  return (
    <article className="view admin-view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">Access administration</h1>
        <p className="lede">
          Roles, consents and policies in force. A change here is decided, audited, and applies to the very next sensitive action of every
          session — here and on every workbench sharing this store.
        </p>
        {overview && <PolicyStatus overview={overview} />}
      </header>
      <ChangeFeedback store={store} />
      {status === 'loading' && <p className="muted" role="status">Loading policies…</p>}
      {status === 'error' && error && <ErrorPanel error={error} context="Access administration" onRetry={() => void store.getState().load()} />}
      {overview && (
        <>
          <RolesSection store={store} overview={overview} />
          <ConsentsSection store={store} overview={overview} />
          <PolicyEditorSection store={store} overview={overview} />
          <ActionTable overview={overview} />
        </>
      )}
      <PermissionsSection store={store} />
    </article>
  );
}

function PolicyStatus({ overview }: { overview: PolicyOverview }) {
  return (
    <div className="policy-status" data-testid="policy-status">
      <span className="pill">policy epoch {overview.epoch}</span>
      <span className="pill">revision {overview.policyRevision}</span>
      {overview.policySet === 'ok' ? (
        <span className="pill ok">policy set valid</span>
      ) : (
        <span className="pill bad" role="alert">policy set invalid: every request is denied</span>
      )}
      {overview.issues.length > 0 && (
        <ul className="policy-issues" aria-label="Policy problems">
          {overview.issues.map((i) => (
            <li key={i.policyId}>
              <code>{i.policyId}</code>: {i.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ChangeFeedback({ store }: { store: StoreApi<AdminState> }) {
  const notice = useStore(store, (s) => s.notice);
  const actionError = useStore(store, (s) => s.actionError);
  return <ActionFeedback notice={notice} error={actionError} context="Change refused" />;
}

function RolesSection({ store, overview }: { store: StoreApi<AdminState>; overview: PolicyOverview }) {
  const busy = useStore(store, (s) => s.busy);
  const [actorId, setActorId] = useState('');
  const [role, setRole] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (actorId && role) void store.getState().assignRole(actorId, role);
  };
  return (
    <section className="panel" aria-labelledby="roles-title">
      <header className="panel-head">
        <h2 id="roles-title">Roles</h2>
        <form className="filters" aria-label="Assign a role" onSubmit={submit}>
          <label>
            Actor
            <select value={actorId} onChange={(e) => setActorId(e.target.value)}>
              <option value="">Choose…</option>
              {overview.actors.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.id}
                </option>
              ))}
            </select>
          </label>
          <label>
            Role
            <select value={role} onChange={(e) => setRole(e.target.value)}>
              <option value="">Choose…</option>
              {overview.roles.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className="button primary" disabled={busy || !actorId || !role}>
            Assign role
          </button>
        </form>
      </header>
      <DataTable columns={['Actor', 'Tenant', 'Region', 'Roles']} testId="roles-table">
        {overview.actors.map((a) => (
          <tr key={a.id}>
            <td>
              <code>{a.id}</code> <span className="muted">{a.displayName}</span>
            </td>
            <td>{a.tenant}</td>
            <td>{a.region}</td>
            <td>
              {a.roles.length === 0 && <span className="muted">no roles</span>}
              {a.roles.map((r) => (
                <span key={r} className="role-chip">
                  {r}
                  <button
                    type="button"
                    className="chip-remove"
                    aria-label={`Remove ${r} from ${a.id}`}
                    disabled={busy}
                    onClick={() => void store.getState().removeRole(a.id, r)}
                  >
                    ×
                  </button>
                </span>
              ))}
            </td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

function ConsentsSection({ store, overview }: { store: StoreApi<AdminState>; overview: PolicyOverview }) {
  const busy = useStore(store, (s) => s.busy);
  const [subjectId, setSubjectId] = useState('');
  const [purpose, setPurpose] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (subjectId.trim() && purpose.trim()) void store.getState().setConsent(subjectId.trim(), purpose.trim(), 'granted');
  };
  return (
    <section className="panel" aria-labelledby="consents-title">
      <header className="panel-head">
        <h2 id="consents-title">Consents</h2>
        <form className="filters" aria-label="Grant a consent" onSubmit={submit}>
          <label>
            Subject
            <input value={subjectId} onChange={(e) => setSubjectId(e.target.value)} placeholder="cust-acme-003" />
          </label>
          <label>
            Purpose
            <input value={purpose} onChange={(e) => setPurpose(e.target.value)} placeholder="analytics" />
          </label>
          <button type="submit" className="button primary" disabled={busy || !subjectId.trim() || !purpose.trim()}>
            Grant consent
          </button>
        </form>
      </header>
      {overview.consents.length === 0 ? (
        <p className="empty">No consents are recorded.</p>
      ) : (
        <DataTable columns={['Subject', 'Purpose', 'Status', 'Updated', 'Change']} testId="consents-table">
          {overview.consents.map((c) => (
            <tr key={`${c.subjectId}/${c.purpose}`}>
              <td>
                <code>{c.subjectId}</code>
              </td>
              <td>{c.purpose}</td>
              <td>
                <span className={`badge consent-${c.status}`}>{c.status}</span>
              </td>
              <td className="nowrap">{c.updatedAt}</td>
              <td>
                <button
                  type="button"
                  className="button"
                  disabled={busy}
                  onClick={() => void store.getState().setConsent(c.subjectId, c.purpose, c.status === 'granted' ? 'revoked' : 'granted')}
                >
                  {c.status === 'granted' ? 'Revoke' : 'Grant'}
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

function PolicyEditorSection({ store, overview }: { store: StoreApi<AdminState>; overview: PolicyOverview }) {
  const editor = useStore(store, (s) => s.editor);
  const existing = overview.policies.find((p) => p.policyId === editor.policyId);
  return (
    <section className="panel" aria-labelledby="policies-title">
      <header className="panel-head">
        <h2 id="policies-title">Policies</h2>
      </header>
      <div className="policy-layout">
        <ul className="policy-list" aria-label="Policies">
          {overview.policies.map((p) => (
            <li key={p.policyId}>
              <button
                type="button"
                className={`policy-item${p.policyId === editor.policyId ? ' selected' : ''}${p.status === 'retired' ? ' retired' : ''}`}
                aria-pressed={p.policyId === editor.policyId}
                onClick={() => store.getState().editPolicy(p.policyId)}
              >
                <code>{p.policyId}</code> <span className="muted">v{p.version}</span>
                {p.status === 'retired' && <span className="badge">retired</span>}
              </button>
            </li>
          ))}
        </ul>
        <form
          className="policy-editor"
          aria-label="Edit policy"
          onSubmit={(e) => {
            e.preventDefault();
            void store.getState().save();
          }}
        >
          <label>
            Policy id
            <input value={editor.policyId} onChange={(e) => store.getState().setEditor({ policyId: e.target.value })} placeholder="team.no-exports" />
          </label>
          <label>
            Cedar policy (one statement)
            <textarea
              className="policy-text"
              spellCheck={false}
              rows={10}
              value={editor.text}
              onChange={(e) => store.getState().setEditor({ text: e.target.value })}
              data-testid="policy-text"
            />
          </label>
          <label>
            Why (recorded with the version)
            <input value={editor.note} onChange={(e) => store.getState().setEditor({ note: e.target.value })} />
          </label>
          {editor.check && (
            <div className={editor.check.ok ? 'check-ok' : 'check-bad'} role={editor.check.ok ? 'status' : 'alert'} data-testid="policy-check">
              {editor.check.ok ? (
                'The engine accepts this policy.'
              ) : (
                <>
                  <strong>The engine refuses this policy:</strong>
                  <ul>
                    {editor.check.errors.map((m, i) => (
                      <li key={i}>{m}</li>
                    ))}
                  </ul>
                </>
              )}
            </div>
          )}
          {editor.error && !editor.check && <ErrorPanel error={editor.error} context="Policy" />}
          <div className="form-actions">
            <button type="button" className="button" disabled={editor.busy || !editor.policyId || !editor.text} onClick={() => void store.getState().validate()}>
              Validate
            </button>
            <button type="submit" className="button primary" disabled={editor.busy || !editor.policyId || !editor.text || !editor.note.trim()}>
              Validate and save
            </button>
            {existing && existing.status === 'active' && (
              <button type="button" className="button danger" disabled={editor.busy} onClick={() => void store.getState().retire()}>
                Retire
              </button>
            )}
          </div>
        </form>
      </div>
    </section>
  );
}

function ActionTable({ overview }: { overview: PolicyOverview }) {
  return (
    <details className="panel action-table">
      <summary>Action table ({overview.actions.length} actions)</summary>
      <DataTable columns={['Action', 'Resource', 'Groups', 'Roles (any tenant)', 'Roles (own tenant)', 'Used by']}>
        {overview.actions.map((a) => (
          <tr key={a.name}>
            <td>
              <code>{a.name}</code>
              <div className="muted">{a.summary}</div>
            </td>
            <td>{a.resourceKind}</td>
            <td>{a.groups.join(', ')}</td>
            <td>{a.roles.join(', ')}</td>
            <td>{a.ownTenantRoles.join(', ')}</td>
            <td>{a.capability}</td>
          </tr>
        ))}
      </DataTable>
    </details>
  );
}

function PermissionsSection({ store }: { store: StoreApi<AdminState> }) {
  const permissions = useStore(store, (s) => s.permissions);
  if (permissions.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="perms-title">
      <header className="panel-head">
        <h2 id="perms-title">What you may do now</h2>
      </header>
      <ul className="permissions" data-testid="permissions">
        {permissions.map((p) => (
          <li key={p.action} className={p.allowed ? 'perm-allowed' : 'perm-denied'} title={p.reason}>
            <code>{p.action}</code> {p.allowed ? 'allowed' : 'denied'}
          </li>
        ))}
      </ul>
    </section>
  );
}
