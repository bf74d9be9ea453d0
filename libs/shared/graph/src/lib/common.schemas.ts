import { z } from 'zod';

// Shapes both parts of the API use; one zod object each, so the OpenAPI document names each once.

/** Graph's `dateTimeTimeZone`: a wall-clock date and time and the zone it is in. */
export const dateTimeTimeZoneSchema = z
  .object({ dateTime: z.string(), timeZone: z.string() })
  .meta({ description: 'A local date and time with the zone it is in.' });

/** Graph's error body. */
export const graphErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      innerError: z.object({ date: z.string(), 'request-id': z.string(), 'client-request-id': z.string().optional() }),
    }),
  })
  .meta({ description: "Graph's error body." });
