// The one error type for user mistakes (bad spec, missing dataset, corrupt checkpoint, NaN loss):
// CLIs print its message on one line and exit 1 (or its own exit code: 130 for a run stopped by a
// Ctrl-C before it began), never a stack trace.
export class UserError extends Error {
  override name = 'UserError';
  readonly exitCode: number;

  constructor(message: string, options: { exitCode?: number } = {}) {
    super(message);
    this.exitCode = options.exitCode ?? 1;
  }
}
