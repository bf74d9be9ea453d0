import { Module } from '@nestjs/common';
import { OofConsumer } from './oof.consumer';
import { OofService } from './oof.service';

@Module({ controllers: [OofConsumer], providers: [OofService], exports: [OofService] })
export class OofFeatureModule {}
