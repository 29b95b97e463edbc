import type { EngineLogger } from '../engine/engine-logger.ts';

/** The oldest Node major the AWS SDK for JavaScript v3 keeps supporting in its releases after January 2027. */
const SDK_NODE_MAJOR = 22;

/** The SDK's own switch for its Node-version notice (@aws-sdk/core emitWarningIfUnsupportedVersion reads only this). */
const SDK_NOTICE_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/**
 * Under Node < 22 the AWS SDK puts an eight-line NodeVersionSupportWarning box on stderr the first time a client is
 * built — on every Glue run, unasked, in cron mail. Before the SDK is loaded this turns that box off (through the
 * SDK's own switch, which silences that one notice and no other warning) and says the same thing in one log line.
 * A non-empty value the user set for the switch is left alone, whatever it is.
 */
export function replaceAwsSdkNodeNotice(
  logger: EngineLogger | undefined,
  version: string = process.version,
  env: NodeJS.ProcessEnv = process.env,
): void {
  const major = Number(/^v(\d+)\./.exec(version)?.[1]);
  if (!(major < SDK_NODE_MAJOR) || (env[SDK_NOTICE_SWITCH] ?? '') !== '') return;
  env[SDK_NOTICE_SWITCH] = 'true';
  logger?.info({ node: version }, `Node ${version}: AWS SDK releases after January 2027 need Node ${SDK_NODE_MAJOR} or newer`);
}
