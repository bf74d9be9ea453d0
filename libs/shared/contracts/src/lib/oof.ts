import { z } from 'zod';
import { mailboxKey } from './envelope';

export const oofStates = ['Disabled', 'Enabled', 'Scheduled'] as const;
export const externalAudiences = ['None', 'Known', 'All'] as const;

/** Longest internal or external reply, in characters (HTML as EWS stores it). */
export const OOF_REPLY_MAX_CHARS = 32_000;

export const oofSettingsSchema = z
  .object({
    state: z.enum(oofStates),
    externalAudience: z.enum(externalAudiences),
    /** Window for Scheduled (UTC, ISO 8601). Kept when another state is chosen, as Exchange does. */
    startTime: z.iso.datetime({ offset: true }).nullable(),
    endTime: z.iso.datetime({ offset: true }).nullable(),
    internalReply: z.string().max(OOF_REPLY_MAX_CHARS),
    externalReply: z.string().max(OOF_REPLY_MAX_CHARS),
  })
  .refine((s) => s.state !== 'Scheduled' || (s.startTime !== null && s.endTime !== null), {
    message: 'Scheduled needs a start and an end time',
    path: ['startTime'],
  })
  .refine((s) => s.startTime === null || s.endTime === null || Date.parse(s.startTime) < Date.parse(s.endTime), {
    message: 'startTime must be before endTime',
    path: ['endTime'],
  });

export type OofSettings = z.infer<typeof oofSettingsSchema>;

/** The settings of a mailbox that never set any: off, with empty replies (what both services assume then). */
export const DISABLED_OOF_SETTINGS: Readonly<OofSettings> = Object.freeze({
  state: 'Disabled',
  externalAudience: 'All',
  startTime: null,
  endTime: null,
  internalReply: '',
  externalReply: '',
});

export const setOofRequestSchema = z.object({ mailbox: mailboxKey, settings: oofSettingsSchema });
export type SetOofRequest = z.infer<typeof setOofRequestSchema>;

export const getOofRequestSchema = z.object({ mailbox: mailboxKey });
export type GetOofRequest = z.infer<typeof getOofRequestSchema>;

/** What calendar-sync stores and answers: the settings plus whether OOF is in effect right now. */
export const oofViewSchema = z.object({
  mailbox: mailboxKey,
  settings: oofSettingsSchema,
  active: z.boolean(),
  revision: z.number().int().nonnegative(),
});
export type OofView = z.infer<typeof oofViewSchema>;

/** The view of a mailbox whose OOF settings were never set: disabled, revision 0. */
export function unsetOofView(mailbox: string): OofView {
  return { mailbox, settings: DISABLED_OOF_SETTINGS, active: false, revision: 0 };
}

/** Published whenever a mailbox's OOF settings or its in-effect state change. */
export const oofChangedSchema = oofViewSchema;
export type OofChanged = OofView;
