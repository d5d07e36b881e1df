// User code over the module `kommo codegen` wrote into this project.
import type { Lead } from 'kommo-sdk';
import { leadFields, PIPELINES } from './kommo.generated.js';

export function describe(lead: Lead): string {
  const discount: number | null = leadFields.discountPercent.read(lead);
  return `${String(discount)} ${String(PIPELINES.sales.statuses.closedWon)}`;
}
export const entry = leadFields.entryChannel.write('WhatsApp');
