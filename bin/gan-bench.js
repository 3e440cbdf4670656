#!/usr/bin/env node
// gan-bench: loads the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../cli/bench.ts');
