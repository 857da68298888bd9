/**
 * `--wait`: polls DescribePartnerApp until the app leaves Creating, Updating or Deleting, showing
 * each status change and the time spent. On a terminal the current line also counts the seconds.
 */
import { DescribePartnerAppCommand, type DescribePartnerAppResponse, type SageMakerClient } from '@aws-sdk/client-sagemaker';

const TRANSITIONAL = new Set(['Creating', 'Updating', 'Deleting']);
export const FAILED_STATUSES = new Set(['Failed', 'UpdateFailed']);

export interface WaitOptions {
  pollIntervalMs: number;
  timeoutMs: number;
  /** Where progress goes; stdout stays for the result. */
  progress: NodeJS.WriteStream;
  /** The status the call just put the app in (Creating, Updating or Deleting), shown at once. */
  startedAs: 'Creating' | 'Updating' | 'Deleting';
}

export class WaitTimeout extends Error {
  override readonly name = 'WaitTimeout';
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/** One line per status; on a terminal the line of the current status keeps counting. */
class ProgressLines {
  private readonly started = Date.now();
  private readonly live: boolean;
  private status: string | undefined;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly label: string,
  ) {
    this.live = out.isTTY === true;
  }

  get elapsed(): string {
    return seconds(Date.now() - this.started);
  }

  private line(): string {
    return `${this.label}: ${this.status} (${this.elapsed})`;
  }

  show(status: string): void {
    if (status === this.status) return;
    this.end();
    this.status = status;
    if (!this.live) {
      this.out.write(`${this.line()}\n`);
      return;
    }
    this.out.write(this.line());
    this.ticker = setInterval(() => this.out.write(`\r${this.line()}`), 1000);
  }

  end(): void {
    clearInterval(this.ticker);
    if (this.live && this.status !== undefined) this.out.write(`\r${this.line()}\n`);
    this.ticker = undefined;
  }
}

/** The app's description once it has settled; `undefined` when a deleted app is already forgotten. */
export async function waitUntilSettled(client: SageMakerClient, arn: string, label: string, options: WaitOptions): Promise<DescribePartnerAppResponse | undefined> {
  const progress = new ProgressLines(options.progress, label);
  progress.show(options.startedAs);
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (;;) {
      let app: DescribePartnerAppResponse;
      try {
        app = await client.send(new DescribePartnerAppCommand({ Arn: arn }));
      } catch (error) {
        // A deleted app is forgotten after a while: not finding it is the end of its deletion.
        if (options.startedAs !== 'Deleting' || (error as Error).name !== 'ResourceNotFound') throw error;
        progress.show('Deleted');
        return undefined;
      }
      const status = app.Status ?? 'unknown';
      progress.show(status);
      if (!TRANSITIONAL.has(status)) return app;
      if (Date.now() > deadline) throw new WaitTimeout(`${label} is still ${status} after ${progress.elapsed}.`);
      await new Promise((resolve) => setTimeout(resolve, options.pollIntervalMs));
    }
  } finally {
    progress.end();
  }
}
