// The contract between the compiler and the runtime, and nothing else: what a generated trainer
// module exports (trainer.ts) and the data sources both sides know (data.ts). Imports nothing of
// ganspec's; compiler/ and runtime/ both import it, never each other.
export * from './data';
export * from './trainer';
