export * from './demo.js';
export * from './domain.js';
export * from './errors.js';
export * from './events.js';
export * from './goals.js';
export * from './http.js';
export * from './ordering.js';
export * from './result.js';
