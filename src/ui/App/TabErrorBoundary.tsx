import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** What the boundary guards, for the message ("the Attention tab"). */
  name: string;
  children: ReactNode;
  /** A way out: e.g. open the Tokenize tab. */
  onLeave?: () => void;
  leaveLabel?: string;
}

interface State {
  error?: Error;
}

/**
 * A render failure inside one tab (or the side panel) shows what failed and ways back, instead of unmounting the whole
 * app into a blank page. "Try again" renders the part anew (the failure may have been a passing state).
 */
export class TabErrorBoundary extends Component<Props, State> {
  override state: State = {};

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`${this.props.name} failed to render:`, error, info.componentStack);
  }

  override render(): ReactNode {
    const { error } = this.state;
    if (!error) return this.props.children;
    return (
      <div className="pane tab-error" role="alert" data-testid="tab-error">
        <h2>{this.props.name} could not be shown</h2>
        <p className="error" data-testid="tab-error-message">{error.message || error.name}</p>
        <p className="muted">The rest of the page still works; the model and any fine-tuning run are unaffected.</p>
        <div className="inline-form">
          <button type="button" onClick={() => this.setState({ error: undefined })} data-testid="tab-error-retry">
            Try again
          </button>
          {this.props.onLeave && (
            <button type="button" onClick={this.props.onLeave} data-testid="tab-error-leave">
              {this.props.leaveLabel ?? 'Go back'}
            </button>
          )}
        </div>
      </div>
    );
  }
}
