import { z } from '../../src/sdk/index.ts';

/**
 * Mission Control playbook 1 step 5, "Record in deploy log": where promote and rollback write a
 * log people can read outside Slack (sections both commands own, so they share these schemas).
 * `deploy_log_channel`: a channel that gets one line per promote and rollback.
 * `deploy_log.github`: a line appended to a file in a Git repository through the GitHub contents
 * API (the token comes from Secrets Manager).
 */
export const deployLogChannelSchema = z
  .string()
  .regex(/^[CG]/, 'a Slack channel id such as C0DEPLOYS')
  .optional();

export const deployLogSchema = z
  .object({
    github: z
      .object({
        /** `owner/name`. */
        repo: z.string().regex(/^[\w.-]+\/[\w.-]+$/, 'owner/name'),
        /** The file, e.g. `coordination/DEPLOY-LOG.md`. */
        path: z.string().min(1),
        branch: z.string().min(1).default('main'),
        /** Secrets Manager id of a token that may write contents in the repository. */
        token_secret: z.string().min(1),
        region: z.string().optional(),
        /** GitHub Enterprise Server: `https://github.example.com/api/v3`. */
        api_url: z.url().default('https://api.github.com'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .prefault({});

/** The config sections promote and rollback own. */
export const DEPLOY_LOG_SECTIONS = {
  deploy_log_channel: deployLogChannelSchema,
  deploy_log: deployLogSchema,
};
