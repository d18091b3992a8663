import { pino } from 'pino';

/** Paths pino blanks out wherever they appear, as a last line of defence for secrets. */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'headers.authorization',
  '*.headers.authorization',
  'SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  'secret',
  '*.secret',
  'value',
  '*.SecretString',
];

export function createLogger(level: string, destination?: pino.DestinationStream) {
  return pino(
    { level, base: { app: 'opsbot' }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination,
  );
}

export type Logger = pino.Logger;
