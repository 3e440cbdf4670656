#!/usr/bin/env node
// gan-compile: cli/compile.ts, started by bin/run.js.
import { run } from './run.js';

await run('gan-compile', 'compile');
