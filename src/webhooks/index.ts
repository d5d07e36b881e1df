/**
 * `kommo-sdk/webhooks`: parse, verify and route Kommo's webhooks with Web APIs only
 * (Node 20+, Deno, Bun, Cloudflare Workers, Vercel Edge).
 *
 * @module
 */
export {};
