import { useState, type DragEvent, type FormEvent } from 'react';
import type { VerifyRequest } from '../../../shared/api/verify.ts';
import { normalizeReferenceTime } from '../../state/verify-store.ts';

const PLUGINS = [
  { value: '', label: 'Automatic (from the pack)' },
  { value: 'cosign', label: 'cosign / Sigstore bundle' },
  { value: 'x509-pki', label: 'X.509 PKI chain' },
  { value: 'tuf-root', label: 'TUF root' },
] as const;

type Plugin = NonNullable<VerifyRequest['plugin']>;

/** What to verify and against what trust; every field maps to one field of verify.run. */
export function VerifyForm({ initial, running, onRun }: { initial: VerifyRequest | undefined; running: boolean; onRun: (r: Omit<VerifyRequest, 'jobId'>) => void }) {
  const [path, setPath] = useState(initial?.path ?? '');
  const [at, setAt] = useState(initial?.at ?? '');
  const [plugin, setPlugin] = useState<string>(initial?.plugin ?? '');
  const [offline, setOffline] = useState(initial?.offline ?? true);
  const [identity, setIdentity] = useState(initial?.identity ?? '');
  const [issuer, setIssuer] = useState(initial?.issuer ?? '');
  const [publicKey, setPublicKey] = useState(initial?.publicKey ?? '');
  const [logKey, setLogKey] = useState(initial?.logKey ?? '');

  const [dropNote, setDropNote] = useState('');
  // Drag and drop: the desktop app resolves the dropped folder or .tgz to its path; a browser cannot.
  const onDrop = (e: DragEvent<HTMLFormElement>) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (!file) return;
    const dropped = window.workbenchFiles?.pathFor(file);
    if (dropped) {
      setPath(dropped);
      setDropNote('');
    } else setDropNote(`A browser does not reveal where ${file.name} is on disk: paste its path instead (the desktop app accepts drops).`);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const atNorm = normalizeReferenceTime(at);
    onRun({
      path: path.trim(),
      offline,
      ...(atNorm ? { at: atNorm } : {}),
      ...(plugin ? { plugin: plugin as Plugin } : {}),
      ...(identity.trim() ? { identity: identity.trim() } : {}),
      ...(issuer.trim() ? { issuer: issuer.trim() } : {}),
      ...(publicKey.trim() ? { publicKey: publicKey.trim() + '\n' } : {}),
      ...(logKey.trim() ? { logKey: logKey.trim() } : {}),
    });
  };

  return (
    <form className="panel form-grid" aria-label="Verify a pack" onSubmit={submit} onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <label className="span-2">
        Evidence pack
        <input
          type="text"
          required
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/pack or /path/to/pack.tgz"
          aria-describedby="path-help"
          spellCheck={false}
        />
        <span id="path-help" className="help">A pack folder or .tgz on the machine the workbench runs on — type, paste, or drop it here.</span>
        {dropNote && <span className="help" role="status" data-testid="drop-note">{dropNote}</span>}
      </label>
      <label>
        Reference time (UTC)
        <input type="text" value={at} onChange={(e) => setAt(e.target.value)} placeholder="now, or 2026-11-28T12:00:00Z" aria-describedby="at-help" spellCheck={false} />
        <span id="at-help" className="help">Certificates and keys are judged valid or not at this time.</span>
      </label>
      <label>
        Attestation plugin
        <select value={plugin} onChange={(e) => setPlugin(e.target.value)}>
          {PLUGINS.map((p) => (
            <option key={p.value} value={p.value}>{p.label}</option>
          ))}
        </select>
      </label>
      <label>
        Expected identity
        <input type="text" value={identity} onChange={(e) => setIdentity(e.target.value)} placeholder="optional (keyless signing)" spellCheck={false} />
      </label>
      <label>
        Expected issuer
        <input type="text" value={issuer} onChange={(e) => setIssuer(e.target.value)} placeholder="optional (keyless signing)" spellCheck={false} />
      </label>
      <label className="span-2">
        Signer public key (PEM)
        <textarea
          rows={4}
          value={publicKey}
          onChange={(e) => setPublicKey(e.target.value)}
          placeholder="-----BEGIN PUBLIC KEY-----  (for packs signed with a plain key)"
          spellCheck={false}
        />
      </label>
      <label className="span-2">
        Transparency log key
        <input type="text" value={logKey} onChange={(e) => setLogKey(e.target.value)} placeholder="optional: origin+keyid+base64 — checks the pack's log receipt" spellCheck={false} />
      </label>
      <label className="check span-2">
        <input type="checkbox" checked={offline} onChange={(e) => setOffline(e.target.checked)} />
        Offline: use only the pinned trust cache in the data folder
      </label>
      <div className="form-actions span-2">
        <button type="submit" className="button primary" disabled={running || path.trim() === ''}>
          {running ? 'Verifying…' : 'Verify pack'}
        </button>
      </div>
    </form>
  );
}
