#!/usr/bin/env node
// gan-diff: cli/diff.ts, started by bin/run.js.
import { run } from './run.js';

await run('gan-diff', 'diff');
