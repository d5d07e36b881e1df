/**
 * MCP prompts: ready-made instructions a user picks in their MCP host, written for the tools of
 * this server and its safety rules (dry run first, then the confirmed write).
 *
 * @module
 */

import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';

function user(text: string) {
  return { messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }] };
}

/** Registers the prompts on `server`. */
export function registerPrompts(server: McpServer): void {
  server.registerPrompt(
    'qualify_leads',
    {
      title: 'Qualify the leads in a stage',
      description:
        'Review every lead in one stage and move each forward, or close it as lost with a reason.',
      argsSchema: {
        stage: z.string().describe('The stage name, as list_pipelines shows it'),
        pipeline: z.string().optional().describe('The pipeline name (default: the main pipeline)'),
      },
    },
    ({ stage, pipeline }) =>
      user(
        [
          `Qualify the leads in the stage "${stage}"${pipeline ? ` of the pipeline "${pipeline}"` : ''} of our Kommo account.`,
          '1. Call list_pipelines to see the stages that follow it.',
          `2. Call search_leads with stage "${stage}"${pipeline ? ` and pipeline "${pipeline}"` : ''}; follow next_cursor until it is null.`,
          '3. For each lead, read get_lead and get_events (entity_type leads) and judge: is there a budget, a decision maker, a need, a timeline?',
          '4. Qualified: move_lead to the next stage and add_note with your reasoning. Not a fit: move_lead to "lost" with a loss_reason and add_note why. Unsure: create_task for the responsible user to call the client tomorrow.',
          '5. Run each write with dry_run: true first when unsure; to move many leads at once use move_leads with a dry run, then the confirmation_token it returns.',
          'Finish with a table: lead, decision, reason.',
        ].join('\n'),
      ),
  );
  server.registerPrompt(
    'follow_up_stale_leads',
    {
      title: 'Follow up stale leads',
      description: 'Find open leads nobody touched for some days and plan a follow-up for each.',
      argsSchema: {
        days: z
          .string()
          .regex(/^\d{1,3}$/)
          .describe('Untouched for at least this many days'),
      },
    },
    ({ days }) =>
      user(
        [
          `Find the open leads of our Kommo account not updated for ${days} days or more.`,
          `1. Call search_leads with updated_before set to ${days} days ago (ISO 8601); skip leads in the won/lost stages.`,
          '2. For each, call list_tasks (entity_type leads, entity_id, is_completed false); skip leads that already have an open task.',
          '3. For the rest, create_task of type follow_up due tomorrow at 10:00, for the lead’s responsible user, with a one-line reason.',
          'Finish with the list of tasks created.',
        ].join('\n'),
      ),
  );
}
