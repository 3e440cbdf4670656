// --band of gan-sample and gan-export: a preview band named by its expression (spaces ignored)
// or its index, with the bands listed when it names none.
import { UserError } from '../runtime/errors';

export function bandIndex(bands: readonly { text: string }[], band: string): number {
  const byText = bands.findIndex((b) => b.text.replace(/\s+/g, '') === band.replace(/\s+/g, ''));
  if (byText >= 0) return byText;
  if (/^\d+$/.test(band) && Number(band) < bands.length) return Number(band);
  throw new UserError(`--band ${band}: the preview's bands are ${bands.map((b, i) => `${i}: ${b.text}`).join(', ')}`);
}
