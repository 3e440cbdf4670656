// Provenance: what every number and image of a run carries so that it can be traced to the spec
// and the ganspec that made it: the resolved spec's hash (cli/run-dir.ts specSha256, the one
// definition), the trainer module's hash and the ganspec version. Written as a header record of
// losses.jsonl and metrics.jsonl (runtime/loop/jsonl.ts) and as a PNG tEXt chunk
// (runtime/images/png.ts). Imports node only.
import { readFileSync } from 'node:fs';

/** This ganspec's version (package.json). */
export const GANSPEC_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface Provenance {
  /** SHA-256 of the resolved spec (null for a run trained from a module, which has no spec). */
  specSha256: string | null;
  /** SHA-256 of the trainer module's text. */
  moduleSha256: string;
  /** The ganspec version that trained. */
  ganspec: string;
}

/** The header record of a JSON-lines log: `{ "provenance": { ... } }`, no `step` (readers skip it). */
export interface ProvenanceRecord {
  provenance: Provenance;
}

export function isProvenanceRecord(value: unknown): value is ProvenanceRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typeof (value as { provenance?: unknown }).provenance === 'object' &&
    (value as { provenance?: unknown }).provenance !== null;
}

/** The PNG tEXt entries of a provenance (keywords as PNG readers show them). */
export function provenanceText(p: Provenance): Record<string, string> {
  return {
    Software: `ganspec ${p.ganspec}`,
    'ganspec:specSha256': p.specSha256 ?? 'none (trained from a module)',
    'ganspec:moduleSha256': p.moduleSha256,
  };
}
