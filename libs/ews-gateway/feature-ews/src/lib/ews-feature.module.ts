import { DynamicModule, Module } from '@nestjs/common';
import { ConvertIdHandler } from './convert-id.handler';
import { EwsController } from './ews.controller';
import { EwsExceptionFilter } from './ews-exception.filter';
import { EWS_OPERATION_HANDLERS, type EwsOperationHandler } from './ews-operation';
import { EWS_ENDPOINT_OPTIONS, type EwsEndpointOptions } from './ews-options';
import { EwsRequestService } from './ews-request.service';
import { GetUserOofSettingsHandler } from './oof/get-user-oof-settings.handler';
import { OofGateway } from './oof/oof.gateway';
import { SetUserOofSettingsHandler } from './oof/set-user-oof-settings.handler';

const handlers = [GetUserOofSettingsHandler, SetUserOofSettingsHandler, ConvertIdHandler];

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
        ...handlers,
        { provide: EWS_OPERATION_HANDLERS, useFactory: (...all: EwsOperationHandler[]) => all, inject: handlers },
        EwsRequestService,
        EwsExceptionFilter,
      ],
    };
  }
}
