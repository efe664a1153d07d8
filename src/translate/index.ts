// The pure Pod → Docker translation: no I/O here; the runtime passes in what it looked up and does what comes back.
export * from './container.js';
export * from './dns.js';
export * from './env.js';
export * from './errors.js';
export * from './expansion.js';
export * from './field-ref.js';
export * from './hostname.js';
export * from './infra.js';
export * from './k8s-types.js';
export * from './labels.js';
export * from './mounts.js';
export * from './names.js';
export * from './resources.js';
export * from './security.js';
export * from './status.js';
export * from './volume-plan.js';
