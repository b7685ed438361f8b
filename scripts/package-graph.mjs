// The allowed dependency graph between @diffmac packages (docs/guide/architecture.md explains it).
// Both the lint check and the docs' graph figure read this one table.
export const allowedInternal = {
  // The bottom: one error class, checks, Tensor and image types, RNGs, numerics and pixel operations.
  base: [],
  scheduler: ['base'],
  mib: ['base'],
  core: ['base', 'scheduler', 'mib'],
  'face-align': ['base', 'core'],
  eval: ['base', 'core', 'face-align'],
  // The dataset queue (BullMQ + Redis): job ids, workers and the eval merge on top of core and eval.
  queue: ['base', 'core', 'eval'],
  // cli is the top: it may use anything below it (selfcheck and --sampler use the leaves directly).
  cli: ['base', 'scheduler', 'mib', 'core', 'face-align', 'eval', 'queue'],
};

/** Packages that may import onnxruntime directly: the one inference seam lives in core. */
export const onnxruntimeOwners = ['core'];

/** Packages that may write to the console (libraries report through callbacks). */
export const printers = ['cli'];

/** Return one cycle in `graph` (name -> names) as a list, or undefined. */
export function findCycle(graph) {
  const state = new Map();
  const stack = [];
  const visit = (n) => {
    if (state.get(n) === 'done') return undefined;
    if (state.get(n) === 'open') return [...stack.slice(stack.indexOf(n)), n];
    state.set(n, 'open');
    stack.push(n);
    for (const m of graph[n] ?? []) {
      const c = visit(m);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 'done');
    return undefined;
  };
  for (const n of Object.keys(graph)) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
