// Checkpointing API for trainers: save/load whole training states, and the directory IOHandler.
export { dirIOHandler } from './dir-io-handler';
export { loadCheckpoint, readCheckpointSpec, type LoadedCheckpoint } from './load';
export { saveCheckpoint, type CheckpointSpec, type CheckpointState } from './save';
