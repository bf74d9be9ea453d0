import { Module } from '@nestjs/common';
import { PresenceConsumer } from './presence.consumer';
import { PresenceService } from './presence.service';
import { PresenceSettingsService } from './presence-settings.service';

@Module({
  controllers: [PresenceConsumer],
  providers: [PresenceService, PresenceSettingsService],
  exports: [PresenceService, PresenceSettingsService],
})
export class PresenceFeatureModule {}
