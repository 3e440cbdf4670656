#!/usr/bin/env node
// gan-eval: loads the TypeScript CLI through tsx (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../cli/eval.ts');
