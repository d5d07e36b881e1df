/**
 * `kommo-sdk/sandbox`: a local fake Kommo API server for tests, examples and trying the SDK
 * without an account.
 *
 * @module
 */
export {};
