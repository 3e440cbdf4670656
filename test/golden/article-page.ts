// A docs/articles/ page for one of the seed articles' comparisons (WGAN-GP against WGAN, ...):
// made only from what `gan-diff A B` and `gan-compile --explain` print for the two specs and the
// two models' rows of the fixed-budget table (docs/results-log.md, the hour-long runs), so a reader of the article can check each claimed
// difference against the specs. Written by npm run explain:update, checked by
// test/explain-golden.test.ts like the other golden texts. Imports the commands' side (cli/explain.ts).
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { diffText, explainText } from '../../cli/explain';

const quiet = () => {};

/** The fixed-budget table of docs/results-log.md: its header rows and the row of each model, by name. */
const RESULTS_FILE = 'docs/results-log.md';

function resultRows(): { header: string[]; rows: Map<string, string> } {
  const lines = readFileSync(RESULTS_FILE, 'utf8').split('\n');
  const start = lines.findIndex((l) => l.startsWith('| model |'));
  const header = lines.slice(start, start + 2);
  const rows = new Map<string, string>();
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const name = /^\| (\S+) /.exec(line)?.[1];
    if (name) rows.set(name, line);
  }
  return { header, rows };
}

const specOf = (file: string): { name: string; paper: string } => parseYaml(readFileSync(file, 'utf8')) as { name: string; paper: string };

const block = (command: string, text: string): string => `\`${command}\`\n\n\`\`\`text\n${text.endsWith('\n') ? text : `${text}\n`}\`\`\`\n`;

/** The page comparing spec `b` (the article's model) with spec `a`. */
export function articlePage(a: string, b: string): string | undefined {
  const diff = diffText(a, b, { json: false, all: false, set: [], log: quiet });
  const explained = [a, b].map((f) => explainText(f, { json: false, set: [], log: quiet }));
  if (!diff || explained.some((e) => e === undefined)) return undefined;
  const [sa, sb] = [a, b].map(specOf);
  const { header, rows } = resultRows();
  const results = [sa, sb].map((s) => rows.get(s.name));
  return [
    `# ${sb.name} against ${sa.name}`,
    '',
    `<!-- written by \`npm run explain:update\` from gan-diff, gan-compile --explain and docs/results-log.md: do not edit -->`,
    '',
    `- ${sb.name}: ${sb.paper}`,
    `- ${sa.name}: ${sa.paper}`,
    '',
    `Below is every difference between the two specs of this project, as \`gan-diff\` finds it in the`,
    `resolved specs (defaults, \`extends\`, blocks and copies expanded), then one training step of each`,
    `as \`gan-compile --explain\` says it, then both models' results on this machine (docs/results-log.md's fixed-budget runs).`,
    '',
    `## What differs`,
    '',
    block(`npx gan-diff ${a} ${b}`, diff.text),
    `## One training step of ${sa.name}`,
    '',
    block(`npx gan-compile --explain ${a}`, explained[0]!),
    `## One training step of ${sb.name}`,
    '',
    block(`npx gan-compile --explain ${b}`, explained[1]!),
    `## Results`,
    '',
    results.every((r) => r !== undefined)
      ? `From docs/results-log.md (its commands and budgets are there):\n\n${[...header, ...(results as string[])].join('\n')}\n`
      : `docs/results-log.md has no row for ${[sa, sb].filter((_, i) => results[i] === undefined).map((s) => s.name).join(' or ')} yet.\n`,
  ].join('\n');
}
