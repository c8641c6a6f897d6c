import { DynamicModule, Global, Module } from '@nestjs/common';
import { Messaging, MESSAGING_OPTIONS, MessagingOptions } from './messaging.service';
import { OperationsHttpController } from './operations.http.controller';
import { EventPublisher, OutboxPublisher } from './publisher';

@Global()
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      controllers: [OperationsHttpController],
      providers: [{ provide: MESSAGING_OPTIONS, useValue: options }, Messaging, { provide: EventPublisher, useClass: OutboxPublisher }],
      exports: [Messaging, EventPublisher],
    };
  }
}
