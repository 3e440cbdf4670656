#!/usr/bin/env node
// gan-sample: cli/sample.ts, started by bin/run.js.
import { run } from './run.js';

await run('gan-sample', 'sample');
