/**
 * `kommo-mcp`: an MCP server for Kommo (amoCRM) on kommo-sdk. Most users run the bin
 * (`npx -y kommo-mcp …`, see docs/mcp.md); this entry embeds the server in your own process.
 *
 * @packageDocumentation
 */

export { KommoMcp, DEFAULT_CONFIRM_ABOVE, type KommoMcpOptions } from './server.js';
export { kommoMcpHooks, type WriteLogEntry, type WriteLogSink, type CallRequest } from './audit.js';
export { startHttpServer, type HttpServerOptions, type RunningHttpServer } from './http.js';
export { main } from './cli.js';
export { VERSION } from './version.js';
