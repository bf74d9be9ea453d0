export { SipBodyError, SipBodyErrorCode } from './body-error';
export { PIDF_NS } from './pidf-namespaces';
export {
  parsePidf,
  PIDF_PARSE_LIMITS,
  RPID_ACTIVITIES,
  writePidf,
  type ParleyPresenceState,
  type PidfBasic,
  type PidfDocument,
  type PidfNote,
  type PidfPerson,
  type PidfTuple,
  type RpidActivities,
  type RpidActivity,
  type RpidUserInput,
} from './pidf';
export {
  pidfFromPresence,
  pidfFromPublication,
  presenceFromPidf,
  presEntity,
  publicationFromPidf,
  type PidfPresence,
  type PresencePublication,
} from './presence-mapping';
export {
  MESSAGE_SUMMARY_MAX_BYTES,
  messageSummaryFor,
  parseMessageSummary,
  writeMessageSummary,
  type MessageContextClass,
  type MessageCounts,
  type MessageSummary,
} from './message-summary';
