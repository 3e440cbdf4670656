// The one import of a generated trainer module: `tf` (the process's single TensorFlow.js, so a
// module compiled anywhere uses the runtime's) and `gs` (the spec language's operations).
export * as tf from '@tensorflow/tfjs';
export * as gs from './ops';
