#!/usr/bin/env node
// gan-bench: cli/bench.ts, started by bin/run.js.
import { run } from './run.js';

await run('gan-bench', 'bench');
