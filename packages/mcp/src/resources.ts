/**
 * MCP resources: the account's dictionaries an agent reads once and keeps in context — the
 * pipelines with their stages, and the custom fields of leads, contacts and companies. Served
 * from the SDK's cache (`cacheFor`), so reading them costs Kommo one request per TTL.
 *
 * @module
 */

import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { KommoCache } from 'kommo-sdk';
import { compactCustomField, compactPipeline } from './compact.js';

function json(uri: URL, value: unknown) {
  return {
    contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(value) }],
  };
}

/** Registers the resources on `server`. */
export function registerResources(server: McpServer, cache: KommoCache): void {
  server.registerResource(
    'pipelines',
    'kommo://pipelines',
    {
      title: 'Pipelines and stages',
      description:
        'Every sales pipeline with its stages in board order (id, name, kind: incoming/open/won/lost).',
      mimeType: 'application/json',
    },
    async (uri) => json(uri, (await cache.pipelines()).map(compactPipeline)),
  );
  for (const entity of ['leads', 'contacts', 'companies'] as const) {
    server.registerResource(
      `custom-fields-${entity}`,
      `kommo://custom-fields/${entity}`,
      {
        title: `Custom fields of ${entity}`,
        description: `The custom fields of ${entity}: id, name, code, type and the options of select fields.`,
        mimeType: 'application/json',
      },
      async (uri) => json(uri, (await cache.customFields(entity)).map(compactCustomField)),
    );
  }
}
