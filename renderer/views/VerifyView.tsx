import { CapabilityPending } from '../components/CapabilityPending.tsx';
import { ErrorPanel } from '../components/ErrorPanel.tsx';
import { useShell, useStores, useVerify } from '../state/stores.tsx';
import { VerifyForm } from './verify/VerifyForm.tsx';
import { VerifyReportView } from './verify/VerifyReportView.tsx';
import type { ViewProps } from './view-props.ts';

function VerifyPlan() {
  return (
    <CapabilityPending title="Verify" capability="verify" summary="Check where an evidence pack came from and that nothing in it changed.">
      <ul>
        <li>Pick an evidence pack; the workbench recomputes its manifest and Merkle root and compares them with what was signed.</li>
        <li>Each attestation checked by its plugin — Sigstore/cosign bundles, X.509 PKI chains, TUF-signed roots.</li>
        <li>Trust comes from the pinned offline trust cache at a reference time you choose, so the same pack gives the same report on any machine.</li>
        <li>A report of every check, passed or failed with its reason. Any check that errors makes the verdict “not verified”.</li>
      </ul>
    </CapabilityPending>
  );
}

/** Verify an evidence pack with `verify.run` and read the report. */
export function VerifyView(_props: ViewProps) {
  const { verify } = useStores();
  const built = useShell((s) => s.info?.capabilities.verify);
  const status = useVerify((s) => s.status);
  const request = useVerify((s) => s.request);
  const report = useVerify((s) => s.report);
  const error = useVerify((s) => s.error);
  const progress = useVerify((s) => s.progress);
  if (!built) return <VerifyPlan />;
  return (
    <article className="view" aria-labelledby="view-title">
      <header className="view-head">
        <h1 id="view-title">Verify</h1>
        <p className="lede">
          Check an evidence pack: every file against the signed manifest, the Merkle root, and the signature with the chosen attestation plugin —
          at a reference time, against pinned trust. Any check that fails or errors makes the verdict “not verified”.
        </p>
      </header>
      <VerifyForm initial={request} running={status === 'running'} onRun={(r) => void verify.getState().run(r)} />
      {status === 'running' && (
        <p className="muted" role="status">
          {progress ? progress.label : 'Verifying…'}
        </p>
      )}
      {status === 'error' && error && <ErrorPanel error={error} context="Verify" />}
      {status === 'done' && report && <VerifyReportView report={report} request={request} />}
    </article>
  );
}
