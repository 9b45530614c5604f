// The daemon's memory of registers that got no answer: held per ECS client for a while, then dropped.
import { describe, expect, it } from 'vitest';
import {
  clearUnansweredRegister,
  noteUnansweredRegister,
  UNANSWERED_REGISTER_HOLD_MS,
  unansweredRegisterSince,
} from '../../../src/reconcilers/service/unanswered-registers.js';

describe('unanswered registers', () => {
  it('holds one content of one family on one client until found or the hold has passed', () => {
    const client = {};
    noteUnansweredRegister(client, 'api', 'h1', 1_000);
    expect(unansweredRegisterSince(client, 'api', 'h1', 2_000)).toBe(1_000);
    expect(unansweredRegisterSince(client, 'api', 'h2', 2_000)).toBeUndefined();
    expect(unansweredRegisterSince(client, 'web', 'h1', 2_000)).toBeUndefined();
    expect(unansweredRegisterSince({}, 'api', 'h1', 2_000)).toBeUndefined();
    expect(unansweredRegisterSince(client, 'api', 'h1', 1_000 + UNANSWERED_REGISTER_HOLD_MS)).toBeUndefined();
    noteUnansweredRegister(client, 'api', 'h1', 5_000);
    clearUnansweredRegister(client, 'api', 'h1');
    expect(unansweredRegisterSince(client, 'api', 'h1', 6_000)).toBeUndefined();
  });
});
