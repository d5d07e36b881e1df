/**
 * The base of every resource module.
 *
 * @module
 */

import type { Kommo } from '../client.js';

/** Base class of resource modules (`kommo.leads`, …): stateless, holds the client. */
export abstract class APIResource {
  /** @internal */
  protected readonly _client: Kommo;

  constructor(client: Kommo) {
    this._client = client;
  }
}
