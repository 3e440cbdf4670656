// Builds the optional OpenBLAS addon (openblas.c) with node-gyp, as npm's postinstall step. It
// never fails the install: where it cannot build (no C compiler, no Node headers), it says why
// in one line and the wasm backend runs on its own kernels. Imports Node's built-ins only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** node-gyp as npm runs it in its lifecycle scripts, else the copy bundled with npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    process.env.npm_execpath && join(dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

/** Node's own headers, where the Node install has them: node-gyp would otherwise download them. */
function nodeDir() {
  const prefix = join(dirname(process.execPath), '..');
  return process.env.npm_config_nodedir || (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined);
}

const gyp = nodeGyp();
const dir = nodeDir();
const result = gyp === undefined
  ? { status: 1, stderr: 'node-gyp not found (it comes with npm)' }
  : spawnSync(process.execPath, [gyp, 'rebuild', ...(dir ? [`--nodedir=${dir}`] : [])], { cwd: here, encoding: 'utf8' });
if (result.status === 0) {
  console.log('ganspec: built runtime/native (OpenBLAS matrix products for the wasm backend, where libopenblas0 is installed)');
} else {
  const err = `${result.stderr ?? ''}${result.error ?? ''}`.split('\n').find((l) => /error|not found|ERR!/i.test(l)) ?? `exit ${result.status}`;
  console.log(`ganspec: runtime/native not built (${err.trim()}); the wasm backend runs on its own kernels`);
}
