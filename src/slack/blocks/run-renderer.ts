import type { RunRenderer } from '../../run/run-renderer.ts';
import { outputMessage } from './output.ts';
import { runMessage, runResult } from './run-message.ts';

/** A run as Block Kit (src/roles hands this to src/run). */
export const runRenderer: RunRenderer = {
  progress: runMessage,
  result: runResult,
  output: outputMessage,
};
