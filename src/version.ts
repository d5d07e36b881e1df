/** The SDK's version, sent in the `User-Agent` header (`kommo-sdk/<version>`). */
export const VERSION = '0.2.0';
