import { createStore, type StoreApi } from 'zustand/vanilla';
import { asWorkbenchError, type WorkbenchError } from '../../../shared/api/errors.ts';
import type { PolicyCheck, PolicyOverview } from '../../../shared/api/policy.ts';
import type { PolicyClient } from './policy-client.ts';
import { latestOnly } from '../../state/latest-only.ts';

export interface PolicyEditor {
  /** The policy being edited (an existing id, or a new one typed by the admin). */
  policyId: string;
  text: string;
  note: string;
  /** The engine's verdict on `text` as last checked; cleared by any edit. */
  check: PolicyCheck | undefined;
  busy: boolean;
  error: WorkbenchError | undefined;
}

export interface Permission {
  action: string;
  allowed: boolean;
  policyIds: string[];
  reason: string;
}

export interface AdminState {
  status: 'idle' | 'loading' | 'ready' | 'error';
  overview: PolicyOverview | undefined;
  error: WorkbenchError | undefined;
  /** What the acting actor may do now (refreshed with every policy change). */
  permissions: Permission[];
  /** A role or consent change in flight, and the error of the last one. */
  busy: boolean;
  actionError: WorkbenchError | undefined;
  /** The last change made from this view, as a sentence. */
  notice: string | undefined;
  editor: PolicyEditor;
  load(): Promise<void>;
  assignRole(actorId: string, role: string): Promise<void>;
  removeRole(actorId: string, role: string): Promise<void>;
  setConsent(subjectId: string, purpose: string, status: 'granted' | 'revoked'): Promise<void>;
  editPolicy(policyId: string): void;
  setEditor(patch: Partial<Pick<PolicyEditor, 'policyId' | 'text' | 'note'>>): void;
  validate(): Promise<boolean>;
  save(): Promise<void>;
  retire(): Promise<void>;
  /** A `policy.changed` event: reload if it is newer than what is shown. */
  notePolicyChanged(epoch: number): void;
}

const EMPTY_EDITOR: PolicyEditor = { policyId: '', text: '', note: '', check: undefined, busy: false, error: undefined };

/**
 * The admin view's data: the overview (actors and roles, consents, policies, action table),
 * changes to roles and consents, and the policy editor. A policy is validated by the engine
 * before it is saved; a save the engine refuses shows the engine's messages.
 */
export function createAdminStore(client: PolicyClient, initial: Partial<Pick<AdminState, 'status' | 'overview' | 'error' | 'permissions' | 'editor' | 'notice'>> = {}): StoreApi<AdminState> {
  const latest = latestOnly();
  return createStore<AdminState>()((set, get) => {
    const refresh = () =>
      latest(
        () => Promise.all([client.policy.overview({}), client.policy.permissions({})]),
        ([overview, permissions]) => set({ status: 'ready', overview, permissions: permissions.actions, error: undefined }),
        async (e) => {
          // Permissions are not guarded: show them even when the overview is denied.
          const permissions = await client.policy.permissions({}).then((p) => p.actions).catch(() => []);
          set({ status: 'error', error: asWorkbenchError(e), overview: undefined, permissions });
        },
      );

    async function change(what: () => Promise<unknown>, notice: string): Promise<void> {
      set({ busy: true, actionError: undefined, notice: undefined });
      try {
        await what();
        set({ busy: false, notice });
        await refresh();
      } catch (e) {
        set({ busy: false, actionError: asWorkbenchError(e) });
      }
    }

    function editorSet(patch: Partial<PolicyEditor>): void {
      set({ editor: { ...get().editor, ...patch } });
    }

    return {
      status: 'idle',
      overview: undefined,
      error: undefined,
      permissions: [],
      busy: false,
      actionError: undefined,
      notice: undefined,
      editor: EMPTY_EDITOR,
      // A given starting state (server rendering and tests render from it).
      ...initial,

      async load() {
        set({ status: 'loading', error: undefined });
        await refresh();
      },

      assignRole: (actorId, role) => change(() => client.policy.assignRole({ actorId, role }), `Assigned ${role} to ${actorId}.`),
      removeRole: (actorId, role) => change(() => client.policy.removeRole({ actorId, role }), `Removed ${role} from ${actorId}.`),
      setConsent: (subjectId, purpose, status) =>
        change(() => client.policy.setConsent({ subjectId, purpose, status }), `Consent of ${subjectId} for ${purpose} is now ${status}.`),

      editPolicy(policyId) {
        const p = get().overview?.policies.find((x) => x.policyId === policyId);
        set({ editor: { ...EMPTY_EDITOR, policyId, text: p?.body ?? '' } });
      },

      setEditor(patch) {
        editorSet({ ...patch, check: undefined, error: undefined });
      },

      async validate() {
        const { policyId, text } = get().editor;
        editorSet({ busy: true, error: undefined });
        try {
          const check = await client.policy.validate({ policyId, text });
          editorSet({ busy: false, check });
          return check.ok;
        } catch (e) {
          editorSet({ busy: false, error: asWorkbenchError(e) });
          return false;
        }
      },

      async save() {
        // Validated first: a policy the engine rejects is never sent to be saved.
        if (!(await get().validate())) return;
        const { policyId, text, note } = get().editor;
        editorSet({ busy: true, error: undefined });
        try {
          const r = await client.policy.save({ policyId, text, note });
          editorSet({ busy: false, note: '' });
          set({ notice: `Saved ${policyId} v${r.version.version}; policy epoch ${r.epoch}.` });
          await refresh();
        } catch (e) {
          const error = asWorkbenchError(e);
          const engineErrors = Array.isArray(error.details?.engineErrors) ? (error.details.engineErrors as string[]) : undefined;
          editorSet({ busy: false, error, ...(engineErrors ? { check: { ok: false, errors: engineErrors } } : {}) });
        }
      },

      async retire() {
        const { policyId, note } = get().editor;
        editorSet({ busy: true, error: undefined });
        try {
          const r = await client.policy.retire({ policyId, note: note || 'retired from the admin view' });
          editorSet({ busy: false });
          set({ notice: `Retired ${policyId} (v${r.version.version}); policy epoch ${r.epoch}.` });
          await refresh();
        } catch (e) {
          editorSet({ busy: false, error: asWorkbenchError(e) });
        }
      },

      notePolicyChanged(epoch) {
        const shown = get().overview?.epoch ?? -1;
        if (get().status === 'idle' || epoch <= shown) return;
        void refresh();
      },
    };
  });
}
