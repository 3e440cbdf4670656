// A Node module-resolution hook (module.register): a trainer module imports the runtime as
// `ganspec/runtime`. Inside this package (or where ganspec is installed) Node finds it by
// itself; for a module written anywhere else (a run directory under /tmp, say) this hook
// resolves `ganspec` and `ganspec/*` as if imported from this package. Plain JavaScript:
// hooks run on Node's loader thread, before any TypeScript loader.
let packageJson;

export function initialize(data) {
  packageJson = data.packageJson;
}

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !(specifier === 'ganspec' || specifier.startsWith('ganspec/'))) throw err;
    return next(specifier, { ...context, parentURL: packageJson });
  }
}
