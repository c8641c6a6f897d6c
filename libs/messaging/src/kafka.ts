import { Logger } from '@nestjs/common';
import { Kafka, logLevel, LogEntry } from 'kafkajs';

export interface KafkaSettings {
  readonly brokers: string[];
  readonly clientId: string;
}

export function parseBrokers(list: string): string[] {
  return list.split(',').map((b) => b.trim()).filter(Boolean);
}

/** kafkajs logs through Nest's logger, so one service has one log stream. */
function kafkaLogCreator() {
  const logger = new Logger('Kafka');
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, error } = log as { message: string; error?: string };
      const line = error ? `${message}: ${error}` : message;
      if (level === logLevel.ERROR) logger.warn(line);
      else if (level === logLevel.WARN) logger.warn(line);
      else logger.debug(line);
    };
}

export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(),
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 300, retries: 5, maxRetryTime: 5000 },
  });
}
