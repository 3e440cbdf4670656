// Human-readable output of gan-bench: the step table, baseline ratios, kernel profiles, conv
// GFLOP/s and the compile benchmark. (--json prints the records themselves, one per line.)
import type { CompileBench } from './compile';
import type { GflopsRecord, ProfileRecord, StepRecord } from './one';

const f = (x: number, digits = 1): string => (Number.isFinite(x) ? x.toFixed(digits) : String(x));

function table(head: string[], rows: string[][], rightAligned: boolean[]): string {
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (rightAligned[i] ? c.padStart(width[i]) : c.padEnd(width[i]))).join('  ').trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

export function stepTable(rows: StepRecord[]): string {
  const body = rows.map((r) => [
    r.spec,
    r.backend,
    String(r.batch),
    f(r.ms_per_step),
    f(r.cpu_ms_per_step),
    `${f(r.ms_min)}-${f(r.ms_max)}`,
    f(r.samples_per_s),
    f(r.peak_rss_mb, 0),
    String(r.tensors_leaked),
    Object.entries(r.phases)
      .map(([name, p]) => (p.repeat > 1 ? `${name} ${f(p.ms)} (${p.repeat}x ${f(p.ms_per_update)})` : `${name} ${f(p.ms)}`))
      .join(', '),
  ]);
  const head = ['spec', 'backend', 'batch', 'ms/step', 'cpu ms', 'min-max', 'samples/s', 'peak MB', 'leaked', 'phases (ms per step)'];
  const text = table(head, body, [false, false, true, true, true, true, true, true, true, false]);
  const ratios = rows.flatMap((r) =>
    Object.entries(r.ratio_to_baseline ?? {}).map(
      ([b, ratio]) =>
        `${r.spec} / ${b}: ${f(ratio, 3)} (medians), ${f(r.paired_ratio_to_baseline?.[b] ?? NaN, 3)} (median of paired steps), ` +
        `${f(r.min_ratio_to_baseline?.[b] ?? NaN, 3)} (fastest steps), ${f(r.cpu_ratio_to_baseline?.[b] ?? NaN, 3)} (CPU time)`,
    ),
  );
  const lines = [...new Set(rows.map((r) => r.backend_line))].map((l) => `backend: ${l}`);
  return [text, lines.join('\n'), ...(ratios.length > 0 ? [ratios.join('\n')] : [])].join('\n\n');
}

export function profileText(p: ProfileRecord, top: number): string {
  const head = `kernel profile: one ${p.spec} step on ${p.backend}, batch ${p.batch}: ${f(p.wall_ms)} ms wall, ` +
    `${f(p.kernel_ms)} ms in ${p.kernel_calls} kernel calls, ${f(p.outside_ms)} ms (${f(p.outside_pct)} %) outside kernels`;
  const rows = p.kernels.slice(0, top).map((k) => [k.name, String(k.calls), f(k.ms), f(k.pct)]);
  const rest = p.kernels.slice(top);
  if (rest.length > 0) {
    const ms = rest.reduce((s, k) => s + k.ms, 0);
    rows.push([`(${rest.length} other kernels)`, String(rest.reduce((s, k) => s + k.calls, 0)), f(ms), f((100 * ms) / p.wall_ms)]);
  }
  rows.push(['(outside kernels)', '', f(p.outside_ms), f(p.outside_pct)]);
  return `${head}\n${indent(table(['kernel', 'calls', 'ms', '%'], rows, [false, true, true, true]))}`;
}

export function gflopsText(g: GflopsRecord): string {
  const head = `convolutions of one ${g.spec} step on ${g.backend}, batch ${g.batch}, each timed alone on fresh inputs (best of 7) against matMul of ` +
    `its im2col sizes (matMul 1024x1024x1024: ${f(g.matmul_1024_gflops)} GFLOP/s)`;
  const rows = g.convs.map((c) => [
    c.kernel,
    c.shapes,
    `${c.strides}/${typeof c.pad === 'string' ? c.pad : `[${c.pad[1]}],[${c.pad[2]}]`}`,
    f(c.calls, 0),
    f(c.in_step_ms, 1),
    f(c.ms, 1),
    f(c.gflops),
    `[${c.matmul.m},${c.matmul.k}]x[${c.matmul.k},${c.matmul.n}]`,
    f(c.matmul.gflops),
    f(c.ratio, 2),
  ]);
  const cols = ['kernel', 'shapes', 'stride/pad', 'calls', 'ms in step', 'ms alone', 'GFLOP/s', 'matMul of the same size', 'GFLOP/s', 'ratio'];
  return `${head}\n${indent(table(cols, rows, [false, false, false, true, true, true, true, false, true, true]))}`;
}

export function compileText(c: CompileBench): string {
  const state = c.ok ? 'generated/ up to date' : `NOT ok${c.stale.length > 0 ? `: stale ${c.stale.join(', ')}` : ''}`;
  const later = c.runs_ms.length > 1 ? `, median of the ${c.runs_ms.length - 1} later runs ${f(c.median_ms, 0)} ms` : '';
  return `compile: ${c.specs} specs compiled and type-checked (check mode): first run ${f(c.first_ms, 0)} ms${later} (${state})`;
}

const indent = (s: string): string => s.split('\n').map((l) => `  ${l}`).join('\n');
