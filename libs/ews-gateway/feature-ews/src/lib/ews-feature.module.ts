import { DynamicModule, Module } from '@nestjs/common';
import { ConvertIdHandler } from './convert-id/convert-id.handler';
import { EwsController } from './ews.controller';
import { EwsExceptionFilter } from './ews-exception.filter';
import { EWS_OPERATION_HANDLERS, type EwsOperationHandler } from './ews-operation';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from './ews-options';
import { EwsRequestService } from './ews-request.service';
import { GetUserOofSettingsHandler } from './oof/get-user-oof-settings.handler';
import { OofGateway } from './oof/oof.gateway';
import { ResolveNamesHandler } from './resolve-names/resolve-names.handler';
import { GetServerTimeZonesHandler } from './time-zones/get-server-time-zones.handler';
import { FindFolderHandler } from './folders/find-folder.handler';
import { FolderIds } from './folders/folder-ids';
import { GetFolderHandler } from './folders/get-folder.handler';
import { MailboxFolders } from './folders/mailbox-folders.service';
import { SetUserOofSettingsHandler } from './oof/set-user-oof-settings.handler';

const handlers = [GetUserOofSettingsHandler, SetUserOofSettingsHandler, ConvertIdHandler, ResolveNamesHandler, GetServerTimeZonesHandler, GetFolderHandler, FindFolderHandler];

/** The EWS SOAP endpoint and its operations (needs `EwsAuthModule` and the messaging module). */
@Module({})
export class EwsFeatureModule {
  static forRoot(options: EwsEndpointOptions): DynamicModule {
    return {
      module: EwsFeatureModule,
      controllers: [EwsController],
      providers: [
        { provide: EWS_ENDPOINT_OPTIONS, useValue: options },
        OofGateway,
        FolderIds,
        MailboxFolders,
        ...handlers,
        { provide: EWS_OPERATION_HANDLERS, useFactory: (...all: EwsOperationHandler[]) => all, inject: handlers },
        EwsRequestService,
        EwsExceptionFilter,
      ],
    };
  }
}
