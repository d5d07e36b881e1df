import { describe, expect, it } from 'vitest';
import { chatChannel } from '../../examples/chat-channel.js';

describe('examples/chat-channel.ts', () => {
  it('sends the client lines into the sandbox and prints the manager replies it receives', async () => {
    const log: string[] = [];
    const result = await chatChannel(['Hi', 'Price of the 14" model?'], (line) => log.push(line));
    expect(result.replies).toEqual([
      'Thanks! We got: "Hi"',
      'Thanks! We got: "Price of the 14" model?"',
    ]);
    expect(log).toContain('manager › Thanks! We got: "Hi"');
  });
});
