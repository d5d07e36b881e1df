/**
 * `kommo-sdk`: the typed TypeScript SDK for the Kommo (amoCRM) API v4.
 *
 * @packageDocumentation
 */

export { Kommo } from './client.js';
export { VERSION } from './version.js';
export * from './core/index.js';
