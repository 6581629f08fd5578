// The Discord side's failures, one class per kind, each carrying what its handler needs.

/** A listener threw: logged with the listener's name, never an unhandled rejection. */
export class ListenerError extends Error {
  override readonly name = 'ListenerError';
  constructor(
    readonly listener: string,
    override readonly cause: unknown,
  ) {
    super(`listener "${listener}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A gateway payload that lacks what Cairn needs: logged and skipped. */
export class MalformedDispatchError extends Error {
  override readonly name = 'MalformedDispatchError';
  constructor(
    readonly dispatch: string,
    readonly problems: string[],
  ) {
    super(`malformed ${dispatch} payload: ${problems.join('; ')}`);
  }
}

/** discord.js itself failed on a gateway packet (a payload it could not handle). */
export class GatewayPacketError extends Error {
  override readonly name = 'GatewayPacketError';
  constructor(
    readonly dispatch: string,
    override readonly cause: unknown,
  ) {
    super(`discord.js could not handle ${dispatch}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** A configuration the bot cannot start with (e.g. an unknown intent name). */
export class DiscordConfigError extends Error {
  override readonly name = 'DiscordConfigError';
}

/** Stable identifiers of the errors a member may see in a command reply. */
export type CommandErrorCode =
  | 'not_in_guild'
  | 'not_admin'
  | 'unknown_command'
  | 'unknown_component'
  | 'ticket_refused'
  | 'not_your_component'
  | 'onboarding_refused'
  | 'invalid_settings'
  | 'unknown_currency'
  | 'invalid_amount'
  | 'invalid_member'
  | 'award_not_applied'
  | 'module_off'
  | 'unknown_module'
  | 'unknown_milestone'
  | 'invalid_option'
  | 'not_staff'
  | 'unknown_entry'
  | 'invalid_entry'
  | 'internal';

/** An expected failure of a slash command, with the friendly message the member sees. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    readonly code: CommandErrorCode,
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
}
