// The one error type for user mistakes (bad spec, missing dataset, corrupt checkpoint, NaN loss):
// CLIs print its message on one line and exit 1, never a stack trace.
export class UserError extends Error {
  override name = 'UserError';
}
