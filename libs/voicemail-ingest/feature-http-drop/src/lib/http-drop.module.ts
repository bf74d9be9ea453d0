import { DynamicModule, Module, type ModuleMetadata } from '@nestjs/common';
import { PbxApiKeyRepository, VoicemailIngestDatabase } from '@parley/voicemail-ingest/data-access';
import { PbxApiKeyService } from './pbx-api-key.service';
import { VoicemailDropController } from './voicemail-drop.controller';
import { VOICEMAIL_DROP_OPTIONS, type VoicemailDropOptions } from './voicemail-drop.options';
import { VoicemailDropService } from './voicemail-drop.service';

/**
 * The HTTP voicemail drop. It reaches the mailbox store through `MailboxDelivery` (from `store`
 * when given, e.g. a spec's fake, else from wherever the process provides it globally; without one
 * every drop is a 503), keys through voicemail-ingest's database, and sign-in throttling and client
 * addresses from the process's global `AuthModule`.
 */
@Module({})
export class HttpDropModule {
  static forRoot(options: VoicemailDropOptions, store?: NonNullable<ModuleMetadata['imports']>[number]): DynamicModule {
    return {
      module: HttpDropModule,
      imports: store ? [store] : [],
      providers: [
        { provide: VOICEMAIL_DROP_OPTIONS, useValue: options },
        {
          provide: PbxApiKeyService,
          useFactory: (db: VoicemailIngestDatabase) => new PbxApiKeyService(new PbxApiKeyRepository(db.dataSource)),
          inject: [VoicemailIngestDatabase],
        },
        VoicemailDropService,
        VoicemailDropController,
      ],
      exports: [PbxApiKeyService],
    };
  }
}
