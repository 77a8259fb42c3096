import { Component, type ErrorInfo, type ReactNode } from 'react';
import { asWorkbenchError } from '../../shared/api/errors.ts';
import { ErrorPanel } from './ErrorPanel.tsx';

interface Props {
  /** Names the part of the screen that failed. */
  label: string;
  children: ReactNode;
}

interface State {
  error: unknown;
  failed: boolean;
}

/** A render error in one view shows as a typed error panel there; the shell and nav keep working. */
export class ErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined, failed: false };

  static getDerivedStateFromError(error: unknown): State {
    return { error, failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`view "${this.props.label}" failed`, error, info.componentStack);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return <ErrorPanel error={asWorkbenchError(this.state.error)} context={this.props.label} onRetry={() => this.setState({ error: undefined, failed: false })} />;
  }
}
