// File-system failures the user can act on (a full disk, a read-only or unwritable folder, a path
// through a file, a name too long) as one-line UserErrors naming the file and the errno code;
// anything else stays an internal error. Imports runtime/errors only.
import { UserError } from './errors';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  ENAMETOOLONG: 'a name in the path is too long for the file system',
  EISDIR: 'it is a directory',
  ELOOP: 'too many symbolic links in the path',
  EIO: 'an input/output error of the device',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

/** A file-system failure told as a UserError; `code` is its errno code (ENOSPC, ...). */
export class FileSystemError extends UserError {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

function errnoCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** True for a Node file-system error with one of the codes above. */
export function isFileSystemFailure(err: unknown): boolean {
  const code = errnoCode(err);
  return err instanceof FileSystemError || (code !== undefined && code in REASONS);
}

/**
 * `err` as `<doing>: <reason> (<CODE>)` when it is a file-system failure the user can act on
 * (doing defaults to "cannot write <the error's path>"); any other error is returned as it is.
 */
export function fileSystemError(err: unknown, doing?: string): unknown {
  if (err instanceof UserError) return err;
  const code = errnoCode(err);
  if (code === undefined || !(code in REASONS)) return err;
  const path = (err as NodeJS.ErrnoException).path;
  return new FileSystemError(`${doing ?? `cannot write ${path ?? 'a file'}`}: ${REASONS[code]} (${code})`, code);
}
