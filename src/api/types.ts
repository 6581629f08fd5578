// Types shared by the API's middleware and routes.
import type { RateLimitInfo } from 'hono-rate-limiter';
import type { Services } from '../app/services.ts';

export type Principal =
  | { kind: 'admin'; id: string }
  | { kind: 'user'; id: string; name: string; guildIds: string[] };

export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    sessionId: string | undefined;
    csrf: string | undefined;
    services: Services;
    /** Set by hono-rate-limiter: the count behind the current limit (middleware/rate-limit.ts). */
    rateLimit: RateLimitInfo | undefined;
  };
}
