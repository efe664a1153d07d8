// The /scale subresource's Scale views live in the registry (the in-process client serves them too).
export { applyScale, getScale } from '../registry/subresources/scale.js';
