import { Injectable } from '@nestjs/common';
import {
  InstantMessaging,
  PresenceEndpoints,
  PresenceReader,
  PresenceSettingsService,
  PresenceWatchers,
} from '@parley/presence-bridge/feature-presence';

/**
 * The presence core as the SIP front uses it, the same ports the JSON WebSocket and the Graph API use
 * (PresenceFeatureModule provides them globally): SUBSCRIBE reads and watches, REGISTER makes an endpoint,
 * PUBLISH sets the user's state and note, MESSAGE sends and receives IMs across replicas.
 */
@Injectable()
export class SipPresenceCore {
  constructor(
    readonly reader: PresenceReader,
    readonly watchers: PresenceWatchers,
    readonly endpoints: PresenceEndpoints,
    readonly ims: InstantMessaging,
    readonly settings: PresenceSettingsService,
  ) {}
}
