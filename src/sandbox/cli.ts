#!/usr/bin/env node
// `npx kommo-sandbox`: runs the sandbox standalone.
export {};
