// Voicemail: the mailbox's voicemail folder through Graph's messages API, with the caller and the
// recording's length from the voice-message MAPI properties (MS-OXOUM), and the audio attachment's
// `$value` URL for an <audio> element.
import type { ParleyApi } from './api';
import { samePath } from './calendar';

/** The voice-message properties, as Graph names extended properties (docs/graph-api.md). */
export const VOICE_PROPERTIES = {
  durationSeconds: 'Integer 0x6801',
  callerNumber: 'String 0x6802',
  callerName: 'String 0x6803',
} as const;

export const VOICEMAIL_PAGE_SIZE = 50;
export const MESSAGES_PATH = '/api/v1.0/me/messages';

export interface GraphEmailAddress {
  name?: string | null;
  address?: string | null;
}

/** The part of Graph's message the list reads. */
export interface GraphMessage {
  id: string;
  receivedDateTime?: string | null;
  isRead?: boolean;
  subject?: string | null;
  from?: { emailAddress?: GraphEmailAddress | null } | null;
  singleValueExtendedProperties?: { id: string; value: string }[] | null;
}

export interface GraphAttachment {
  id: string;
  name?: string | null;
  contentType?: string | null;
  size?: number;
  isInline?: boolean;
}

interface MessagePage {
  value?: GraphMessage[];
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
}

/** One voicemail as the list shows it. */
export interface Voicemail {
  id: string;
  /** The caller's name, else number, else the sender of the mail (the PBX). */
  caller: string;
  /** The number, when the caller is shown by name (a second line). */
  callerNumber: string | null;
  received: number;
  durationSeconds: number | null;
  isRead: boolean;
}

export interface VoicemailPage {
  items: Voicemail[];
  /** The folder's total (`@odata.count`), or null when the server did not say. */
  total: number | null;
  /** Where the next page is (a same-origin path), while more remain. */
  next: string | null;
}

/** `$expand` asking for exactly the three voice-message properties. */
export function voicePropertiesExpand(): string {
  const terms = Object.values(VOICE_PROPERTIES).map((id) => `id eq '${id}'`);
  return `singleValueExtendedProperties($filter=${terms.join(' or ')})`;
}

/** The first page of the voicemail folder, newest first, with its total and the voice properties. */
export function voicemailListPath(top: number = VOICEMAIL_PAGE_SIZE): string {
  return `/api/v1.0/me/mailFolders/voicemail/messages?$top=${top}&$count=true&$expand=${encodeURIComponent(voicePropertiesExpand())}`;
}

export function messagePath(id: string): string {
  return `${MESSAGES_PATH}/${encodeURIComponent(id)}`;
}

/** What an <audio> element plays: the attachment's bytes, signed by the session cookie (same origin). */
export function audioSource(messageId: string, attachmentId: string): string {
  return `${messagePath(messageId)}/attachments/${encodeURIComponent(attachmentId)}/$value`;
}

function property(message: GraphMessage, id: string): string | null {
  const wanted = id.toLowerCase();
  const value = message.singleValueExtendedProperties?.find((p) => p.id.toLowerCase() === wanted)?.value?.trim();
  return value ? value : null;
}

/** A message of the voicemail folder as the list shows it; null without an id. */
export function voicemailOf(message: GraphMessage): Voicemail | null {
  if (!message.id) return null;
  const name = property(message, VOICE_PROPERTIES.callerName);
  const number = property(message, VOICE_PROPERTIES.callerNumber);
  const from = message.from?.emailAddress;
  const sender = from?.name?.trim() || from?.address?.trim() || '';
  const duration = Number(property(message, VOICE_PROPERTIES.durationSeconds) ?? Number.NaN);
  return {
    id: message.id,
    caller: name ?? number ?? sender,
    callerNumber: name && number ? number : null,
    received: message.receivedDateTime ? Date.parse(message.receivedDateTime) : Number.NaN,
    durationSeconds: Number.isFinite(duration) && duration >= 0 ? Math.round(duration) : null,
    isRead: message.isRead === true,
  };
}

/** A length as `m:ss` (`h:mm:ss` from an hour on) in the language's digits. */
export function formatDuration(seconds: number, language: string): string {
  const whole = Math.max(0, Math.round(seconds));
  const one = new Intl.NumberFormat(language, { useGrouping: false });
  const two = new Intl.NumberFormat(language, { useGrouping: false, minimumIntegerDigits: 2 });
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  return h > 0 ? `${one.format(h)}:${two.format(m)}:${two.format(s)}` : `${one.format(m)}:${two.format(s)}`;
}

/** The recording among a message's attachments: the first `audio/*` one (by type, else by a sound file's name). */
export function audioAttachmentOf(attachments: readonly GraphAttachment[]): GraphAttachment | null {
  const byType = attachments.find((a) => /^audio\//i.test(a.contentType?.trim() ?? ''));
  if (byType) return byType;
  return attachments.find((a) => /\.(wav|wma|mp3|m4a|ogg|opus)$/i.test(a.name ?? '')) ?? null;
}

export async function loadVoicemailPage(api: ParleyApi, path: string = voicemailListPath()): Promise<VoicemailPage> {
  const answer = await api.request<MessagePage>('GET', path);
  return {
    items: (answer?.value ?? []).map(voicemailOf).filter((v): v is Voicemail => v !== null),
    total: typeof answer?.['@odata.count'] === 'number' ? answer['@odata.count'] : null,
    next: answer?.['@odata.nextLink'] ? samePath(answer['@odata.nextLink']) : null,
  };
}

/** Marks a message read or unread; the server's message-waiting counts follow. */
export async function setRead(api: ParleyApi, id: string, isRead: boolean): Promise<void> {
  await api.request('PATCH', messagePath(id), { isRead });
}

/** Deletes a message (the server moves it to Deleted Items, as Graph does). */
export async function deleteMessage(api: ParleyApi, id: string): Promise<void> {
  await api.request('DELETE', messagePath(id));
}

export async function loadAttachments(api: ParleyApi, messageId: string): Promise<GraphAttachment[]> {
  const answer = await api.request<{ value?: GraphAttachment[] }>('GET', `${messagePath(messageId)}/attachments`);
  return answer?.value ?? [];
}
