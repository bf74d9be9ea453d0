import { z } from 'zod';

/**
 * The `metadata` part of a drop (docs/voicemail-http-drop.md). Strict: an unknown field is refused,
 * so a misspelt one (`caller_number`) is reported instead of silently dropped.
 */
export function voicemailDropMetadataSchema(maxRecipients: number) {
  return z
    .object({
      /** The mailboxes (SMTP addresses) the voicemail is for. */
      recipients: z
        .array(z.email({ error: 'must be an email address' }).max(320))
        .min(1, 'must name at least one mailbox')
        .max(maxRecipients, `at most ${maxRecipients} mailboxes`),
      /** The caller's number as the PBX has it (E.164 preferred); null or absent when withheld or unknown. */
      callerNumber: z.string().trim().min(1).max(64).nullable().optional(),
      callerName: z.string().trim().min(1).max(256).nullable().optional(),
      durationSeconds: z.number().int().min(0).max(86_400),
      /** When the caller left it; the store's receive time when absent. */
      receivedAt: z.iso.datetime({ offset: true }).optional(),
      /** A transcription (preview) of the recording, shown as the item's body. */
      transcription: z.string().max(100_000).nullable().optional(),
    })
    .strict();
}

export type VoicemailDropMetadata = z.infer<ReturnType<typeof voicemailDropMetadataSchema>>;

/** The JSON Schema of the metadata, for PBX integrators (docs/voicemail-http-drop.md holds this document). */
export function voicemailDropMetadataJsonSchema(maxRecipients: number): Record<string, unknown> {
  return z.toJSONSchema(voicemailDropMetadataSchema(maxRecipients), { target: 'draft-2020-12' }) as Record<string, unknown>;
}
