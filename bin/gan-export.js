#!/usr/bin/env node
// gan-export: cli/export.ts, started by bin/run.js.
import { run } from './run.js';

await run('gan-export', 'export');
