import { NS } from './namespaces';
import { el, type XmlNode } from '@parley/xml';

/** What `t:ServerVersionInfo` reports; clients pick their schema level from it on their first call. */
export interface ServerVersionInfo {
  readonly majorVersion: number;
  readonly minorVersion: number;
  readonly majorBuildNumber: number;
  readonly minorBuildNumber: number;
  /** Schema version, e.g. `V2017_07_11`. */
  readonly version: string;
}

/**
 * What an Exchange 2016 server (CU23, build 15.1.2507.6) answers: the schema level Parley
 * implements.
 */
export const EXCHANGE_2016_SERVER_VERSION: ServerVersionInfo = {
  majorVersion: 15,
  minorVersion: 1,
  majorBuildNumber: 2507,
  minorBuildNumber: 6,
  version: 'V2017_07_11',
};

export const DEFAULT_SERVER_VERSION = EXCHANGE_2016_SERVER_VERSION;

/** The `t:ServerVersionInfo` header element. */
export function serverVersionInfoElement(info: ServerVersionInfo = DEFAULT_SERVER_VERSION): XmlNode {
  return el(NS.TYPES, 'ServerVersionInfo', {
    MajorVersion: info.majorVersion,
    MinorVersion: info.minorVersion,
    MajorBuildNumber: info.majorBuildNumber,
    MinorBuildNumber: info.minorBuildNumber,
    Version: info.version,
  });
}
