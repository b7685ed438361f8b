import { describe, expect, it } from 'vitest';
import * as main from '@diffmac/core';
import * as testing from '@diffmac/core/testing';

describe('@diffmac/core/testing', () => {
  it('holds the tiny fixtures; the main index re-exports the same functions for one release', () => {
    for (const name of ['writeTinyBundle', 'buildTinyModel', 'buildTinyUnet', 'tinyTokenizerFiles', 'randomWeights'] as const) {
      expect(typeof testing[name]).toBe('function');
      expect((main as Record<string, unknown>)[name]).toBe(testing[name]);
    }
  });
});
