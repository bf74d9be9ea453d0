import { Module } from '@nestjs/common';
import { OofClient } from './oof.client';
import { OofReadModel } from './oof-read-model';
import { OofViewConsumer } from './oof-view.consumer';

/**
 * The gateway's way to calendar-sync's OOF settings: `OofClient` over this replica's read model
 * (fed by `OofViewConsumer`). Static, so every front that imports it — EWS, the Graph mailbox
 * API — shares one model and one consumer per app, and a write through either is read by both.
 */
@Module({ controllers: [OofViewConsumer], providers: [OofClient, OofReadModel], exports: [OofClient] })
export class OofModule {}
