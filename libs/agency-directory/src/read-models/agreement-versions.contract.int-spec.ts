import { inboxUnderTest, InboxUnderTest, MESSAGING_MIGRATIONS } from '@umbrella/messaging';
import { contractExamples, recreateTestDatabase, replayExamples } from '@umbrella/testing';
import { DataSource } from 'typeorm';
import { DirectoryTables1732400000200 } from '../migrations/1732400000200-directory-tables';
import { HsdsDirectory1732400000210 } from '../migrations/1732400000210-hsds-directory';
import { ServiceSearchArrays1732400000220 } from '../migrations/1732400000220-service-search-arrays';
import { AgreementVersions1732400000230 } from '../migrations/1732400000230-agreement-versions';
import { AGREEMENTS_INBOX, AgreementVersionsMessageController } from './agreement-versions.message.controller';

/*
 * The consumers' side of the contract examples promised to the directory's agreements consumer
 * (libs/contracts/examples/agency-directory.agreements): each is handed to the group's consumer as
 * the bytes Kafka delivers, reaches its `@OnEvent` handler through Nest, and must be applied,
 * leaving the published version in the directory.
 */
describe('the agency directory consumes the events its producers promise it', () => {
  const examples = contractExamples(AGREEMENTS_INBOX.name);
  let dataSource: DataSource;
  let inbox: InboxUnderTest;

  beforeAll(async () => {
    const url = await recreateTestDatabase('umbrella_directory_contract_test');
    dataSource = new DataSource({ type: 'postgres', url, migrations: [...MESSAGING_MIGRATIONS, DirectoryTables1732400000200, HsdsDirectory1732400000210, ServiceSearchArrays1732400000220, AgreementVersions1732400000230] });
    await dataSource.initialize();
    await dataSource.runMigrations();
    inbox = await inboxUnderTest(AGREEMENTS_INBOX, { controllers: [AgreementVersionsMessageController] }, dataSource);
  });
  afterAll(async () => {
    await inbox?.close();
    await dataSource?.destroy();
  });

  it('has an example of every event type it handles, on the topics it reads', () => {
    expect([...new Set(examples.map((e) => e.envelope.type))].sort()).toEqual(inbox.handledTypes);
    for (const e of examples) expect(AGREEMENTS_INBOX.topics).toContain(e.topic);
  });

  it('handles each example, and lists the published version afterwards', async () => {
    const outcomes = await replayExamples(inbox.consumer, examples);
    expect(outcomes).toEqual(Object.fromEntries(examples.map((e) => [e.file, 'handled'])));
    expect(await dataSource.query(`SELECT version, agreement_id, effective_from, to_char(published_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI') AS published FROM agreement_version`)).toEqual([
      { version: '1', agreement_id: 'northbridge-umbrella-agreement', effective_from: '2026-01-01', published: '2026-01-05T10:00' },
    ]);
  });
});
