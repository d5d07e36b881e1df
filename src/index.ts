/**
 * `kommo-sdk`: the typed TypeScript SDK for the Kommo (amoCRM) API v4.
 *
 * @packageDocumentation
 */

export { Kommo } from './client.js';
export { VERSION } from './version.js';
export {
  DEFAULT_TOKEN_FILE,
  KOMMO_ENV_VARS,
  kommoOptionsFromEnv,
  readKommoEnv,
  type KommoEnv,
  type KommoEnvSetting,
  type KommoEnvSettings,
  type KommoFromEnvOverrides,
} from './core/env.js';
export * from './core/index.js';
export * from './resources/index.js';
export * from './schemas/index.js';
export * from './webhooks/index.js';
export * from './helpers/index.js';
