/**
 * Kommo's facts: documented limits, system ids, the status palette and HTTP titles. The one
 * place both the SDK and the sandbox read them from. Import-free on purpose, so that any entry
 * (the main one, `kommo-sdk/webhooks`, the sandbox) can use it without loading anything else.
 *
 * Where Kommo publishes no number, the value is a conservative guess and says so.
 *
 * @module
 */

/** The status id of "Closed - won", the same in every pipeline. */
export const WON_STATUS_ID = 142;

/** The status id of "Closed - lost", the same in every pipeline. */
export const LOST_STATUS_ID = 143;

/**
 * The longest `params.text` of a note the sandbox accepts by default.
 *
 * Kommo publishes no limit for note texts; this is a conservative cap that helpers splitting
 * long texts (a chat history) share with the sandbox, so that a text that fits here is unlikely
 * to be refused by a real account.
 */
export const NOTE_TEXT_MAX_LENGTH = 20_000;

/** The most items one list page may hold (`limit`). */
export const MAX_PAGE_LIMIT = 250;

/** The most entities one batch `POST`/`PATCH` may carry. */
export const MAX_BATCH_ITEMS = 250;

/** The most links one `POST /api/v4/{entity}/link` (or `/unlink`) may carry. */
export const MAX_LINKS = 250;

/** The most leads one `POST /api/v4/leads/complex` may carry. */
export const MAX_COMPLEX_ITEMS = 50;

/** The most sources one write request may carry. */
export const MAX_SOURCE_ITEMS = 50;

/** The most events one page may hold: 100 in Kommo's RU docs (250 in its English ones). */
export const MAX_EVENTS_PAGE_LIMIT = 100;

/** The page size of a list request without `limit`. */
export const DEFAULT_PAGE_LIMIT = 50;

/** The longest value of a `text` custom field the API accepts (the UI allows more). */
export const TEXT_FIELD_MAX_LENGTH = 256;

/** The most webhook subscriptions one account may have. */
export const MAX_WEBHOOK_SUBSCRIPTIONS = 100;

/** The most pipelines one account may have. */
export const MAX_PIPELINES = 50;

/** The most statuses one pipeline may have. */
export const MAX_STATUSES = 100;

/** The most statuses of the customers pipeline (periodicity mode), system ones included. */
export const MAX_CUSTOMER_STATUSES = 30;

/** The most customer segments one account may have (segments mode). */
export const MAX_CUSTOMER_SEGMENTS = 100;

/** The colours Kommo allows for customer segments: hex without `#`, unlike status colours. */
export const SEGMENT_COLORS = [
  '10599d',
  '2176ff',
  '006acc',
  '07a0c3',
  '247ba0',
  '177e89',
  '046e8f',
  '598381',
  '0c7c59',
  '495f41',
  '00a44b',
  '08605f',
  'bf2600',
  '06d6a0',
  'e14945',
  '79b473',
  'ae003f',
  'a2ad59',
  'cd0f53',
  '8e936d',
  '832161',
  '2e5339',
  'bf126f',
  '6f7c12',
  'ff5376',
  'dd1c1a',
  'bb304e',
  '631d76',
  '9d2b32',
  '4a001f',
  'b118c8',
  '6a0f49',
  '6610f2',
  'b38a58',
  '8963ba',
  '4b3666',
  '932f6d',
  '6b2d5c',
  '6461a0',
  '4f517d',
] as const;

/** The most short links one `POST /api/v4/short_links` may carry. */
export const MAX_SHORT_LINKS = 250;

/** The most chat templates one list page may hold (`limit`): 50, not the usual 250. */
export const MAX_CHAT_TEMPLATES_PAGE_LIMIT = 50;

/** The longest `waba_header` of a WhatsApp chat template. */
export const WABA_HEADER_MAX_LENGTH = 60;

/** The longest `reject_reason` of a WhatsApp template review. */
export const REVIEW_REJECT_REASON_MAX_LENGTH = 65_535;

/** The most trusted domains of a website button (CRM Plugin). */
export const MAX_TRUSTED_WEBSITES = 10;

/** The most tasks one `salesbot.run` request carries. */
export const MAX_SALESBOT_TASKS = 100;

/** The most handlers one Salesbot continue carries. */
export const MAX_SALESBOT_HANDLERS = 10;

/** The longest text of a Salesbot `show` handler, in characters. */
export const MAX_SALESBOT_SHOW_LENGTH = 80;

/** The most buttons of one Salesbot `show` handler. */
export const MAX_SALESBOT_BUTTONS = 25;

/** The colours Kommo allows for statuses. */
export const STATUS_COLORS = [
  '#fffeb2',
  '#fffd7f',
  '#fff000',
  '#ffeab2',
  '#ffdc7f',
  '#ffce5a',
  '#ffdbdb',
  '#ffc8c8',
  '#ff8f92',
  '#d6eaff',
  '#c1e0ff',
  '#98cbff',
  '#ebffb1',
  '#deff81',
  '#87f2c0',
  '#f9deff',
  '#f3beff',
  '#ccc8f9',
  '#eb93ff',
  '#f2f3f4',
  '#e6e8ea',
] as const;

/** The colors Kommo offers for lead tags (hex, no `#`). */
export const TAG_COLORS = [
  'EBEBEB', 'D0D0D0', 'F2DDF7', 'D1A4DC', 'FF8F92', 'FFC8C8', 'C7DB8C', 'DDEBB5', '8699DA',
  'AABDFF', 'FFCE5A', 'FFE193', '90CDB0', 'C6F4DE', 'A9A5D7', 'D8D5FF', '86C0FC', '832161',
  '6A0F49', '0C7C59', '10599D', '9D2B32', '247BA0',
] as const; // prettier-ignore

/** Task type id of the built-in "Follow-up" type. */
export const FOLLOW_UP_TASK_TYPE_ID = 1;
/** Task type id of the built-in "Meeting" type. */
export const MEETING_TASK_TYPE_ID = 2;

/** `call_status` codes of call notes. */
export const CALL_STATUS = {
  LEFT_VOICEMAIL: 1,
  CALL_BACK_LATER: 2,
  NOT_AVAILABLE: 3,
  SUCCESS: 4,
  WRONG_NUMBER: 5,
  NO_ANSWER: 6,
  BUSY: 7,
  UNDEFINED: 8,
} as const;

/** The reason phrases of the HTTP statuses Kommo answers with. */
export const HTTP_STATUS_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};
