import { Module } from '@nestjs/common';
import { PresenceConsumer } from './presence.consumer';
import { PresenceService } from './presence.service';

@Module({ controllers: [PresenceConsumer], providers: [PresenceService], exports: [PresenceService] })
export class PresenceFeatureModule {}
