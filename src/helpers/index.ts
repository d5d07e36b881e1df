/**
 * Workflows on the public resource methods: plain functions whose first parameter is the
 * client, so they tree-shake and never grow the client class.
 *
 * @module
 */
export {
  createCache,
  cacheFor,
  type KommoCache,
  type KommoCacheKind,
  type KommoCacheOptions,
} from './cache.js';
export {
  findOrCreateContact,
  normalizePhone,
  normalizeEmail,
  type FindOrCreateContactInput,
  type FindOrCreateContactOptions,
  type FindOrCreateContactResult,
  type PhoneNormalizeOptions,
} from './contacts.js';
export {
  createLeadFromChat,
  chatHistoryNotes,
  NOTE_TEXT_MAX_LENGTH,
  type ChatMessage,
  type ChatHistoryNoteOptions,
  type CreateLeadFromChatInput,
  type CreateLeadFromChatOptions,
  type CreateLeadFromChatResult,
} from './chat.js';
export {
  nextStatus,
  statusByName,
  advanceLead,
  moveLeadTo,
  qualifyLead,
  type LeadStageMove,
  type StageOptions,
  type MoveLeadToOptions,
  type QualifyLeadOptions,
} from './stages.js';
export {
  createAssigner,
  MemoryAssignerStore,
  FileAssignerStore,
  type Assigner,
  type AssignerOptions,
  type AssignerState,
  type AssignerStore,
} from './assign.js';
export {
  createMetrics,
  combineHooks,
  type KommoMetrics,
  type MetricsOptions,
  type MetricsSnapshot,
  type RequestTimeSnapshot,
} from './metrics.js';
