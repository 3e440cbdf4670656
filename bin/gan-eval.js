#!/usr/bin/env node
// gan-eval: cli/eval.ts, started by bin/run.js.
import { run } from './run.js';

await run('gan-eval', 'eval');
