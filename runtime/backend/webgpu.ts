// Loads tfjs's WebGPU backend in Node: the optional packages `webgpu` (Dawn's Node binding, its
// binary inside the npm package; Vulkan on Linux) and @tensorflow/tfjs-backend-webgpu, which
// registers itself only where `navigator.gpu` exists, so this sets it (Node 20 has no navigator)
// along with the WebGPU globals (GPUBufferUsage and the rest) that the backend reads. Also says
// which adapter it found. Imports nothing else (the optional packages dynamically).

/** The packages, in load order; variables, as they are optional and have no types here. */
const [DAWN, TFJS_WEBGPU]: string[] = ['webgpu', '@tensorflow/tfjs-backend-webgpu'];

interface DawnModule {
  create: (flags: string[]) => GPU;
  globals: Record<string, unknown>;
}

interface GPU {
  requestAdapter: (options: { powerPreference: string }) => Promise<{ info?: Record<string, string> } | null>;
}

/** The adapter found by the last loadWebGPU, as Dawn describes it (on an H200: 'NVIDIA: 580.159.04 580.159.4.0 (nvidia)'). */
let adapterName = 'unknown adapter';
export const webgpuAdapter = (): string => adapterName;

/**
 * Makes tfjs-backend-webgpu register 'webgpu' (idempotent). Throws when a package is missing or
 * when Dawn finds no adapter (no GPU, or no Vulkan driver), with what was missing.
 */
export async function loadWebGPU(): Promise<void> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (g.navigator?.gpu === undefined) {
    const dawn = (await import(DAWN)) as DawnModule;
    Object.assign(globalThis, dawn.globals);
    const gpu = dawn.create([]);
    if (g.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
    else Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  }
  // tfjs-backend-webgpu asks for the same adapter (high-performance unless WEBGPU_USE_LOW_POWER_GPU).
  const adapter = await g.navigator!.gpu!.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Error('no WebGPU adapter: Dawn found no GPU with a Vulkan driver');
  const info = adapter.info ?? {};
  const kind = [info.vendor, info.architecture].filter(Boolean).join(', ');
  adapterName = `${info.description || info.device || 'unnamed adapter'}${kind === '' ? '' : ` (${kind})`}`;
  await import(TFJS_WEBGPU);
}
