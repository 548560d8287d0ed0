/** Storage backends (DESIGN.md 4): the Backend interface, its implementations and wrappers. */
export * from './backend';
export * from './backend-errors';
export { assertRangeWithin, assertValidRange } from './byte-range';
export { compareKeys } from './key-order';
export { LocalBackend, type LocalBackendOptions } from './local-backend';
export { nodeFileSystem, type LocalFileSystem } from './local-file-system';
