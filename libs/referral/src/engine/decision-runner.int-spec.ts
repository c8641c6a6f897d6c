import { decideClaim, decideRequest, decideStep, ReferralAction } from '@umbrella/agreement';
import { DomainOfSupport, Refusal } from '@umbrella/contracts';
import { randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { pipelineDatabase, PipelineDatabase, seeder } from '../test/decision-pipeline';
import { Decide, DecisionContext, referralOrGone } from './decision-context';

/*
 * The referral service's write pipeline end to end on real PostgreSQL: lock → load → decide →
 * record and apply → publish, in one transaction. What a decision leaves behind — its record,
 * the state rows, the outbox rows — is read back from the tables; a lost race is provoked by a
 * neighbouring instance committing between this decision's load and its first write.
 */
describe('the decision pipeline', () => {
  const CLIENT = 'c-pipe-5e21';
  const ACTOR = { userId: 'u-caseworker-1', agencyId: 'agency-a' };
  let db: PipelineDatabase;
  let seed: ReturnType<typeof seeder>;

  beforeAll(async () => {
    db = await pipelineDatabase('umbrella_referral_decision_pipeline_test');
    seed = seeder(db.q);
  });
  afterAll(() => db?.database.close());
  beforeEach(async () => {
    await db.reset();
    for (const agency of ['agency-a', 'agency-b', 'agency-c']) await seed.agency(agency);
    await seed.lead(CLIENT, 'agency-a');
    await seed.consent({ clientId: CLIENT, agencyId: 'agency-b' });
  });

  const request = (referralId: string, to = 'agency-b', domain: DomainOfSupport = 'health'): [DecisionContext, Decide] => [
    { clientId: CLIENT, command: 'request-referral', actor: ACTOR, agencyId: 'agency-a', referralId, domain, correlationId: `corr-${referralId}`, agencyIds: ['agency-a', to] },
    ({ agreement, state, directory, now, service }) => decideRequest(agreement, state, directory, { referralId, clientId: CLIENT, fromAgencyId: 'agency-a', toAgencyId: to, domain, handsOverLead: false, service }, now),
  ];
  const step = (referralId: string, action: ReferralAction, by: string): [DecisionContext, Decide] => [
    { clientId: CLIENT, command: action, actor: { userId: 'u-caseworker-2', agencyId: by }, agencyId: by, referralId, agencyIds: ['agency-a', 'agency-b', by] },
    ({ agreement, state, directory, now, referral }) => decideStep(agreement, state, directory, { referral: referralOrGone(referral), action, byAgencyId: by, reason: null }, now),
  ];
  const statusOf = (tx: EntityManager, id: string) => tx.query('SELECT id, status FROM referral WHERE id = $1', [id]);

  const decisions = () => db.q('SELECT command, outcome, code, agency_id, user_id, referral_id, domain, agreement_version FROM decision ORDER BY decided_at');
  const outbox = () => db.q<{ event_type: string; envelope: { correlationId: string; data: Record<string, unknown> } }>('SELECT event_type, envelope FROM outbox ORDER BY id');
  const counts = async () =>
    (await db.q<{ n: Record<string, number> }>(
      `SELECT json_build_object('decision', (SELECT count(*) FROM decision), 'referral', (SELECT count(*) FROM referral), 'claim', (SELECT count(*) FROM claim), 'outbox', (SELECT count(*) FROM outbox)) AS n`,
    ))[0].n;

  /** The refusal a command was answered with. */
  async function refusalOf(command: Promise<unknown>): Promise<Pick<Refusal, 'code' | 'kind' | 'recorded' | 'message'>> {
    const error: unknown = await command.then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof Refusal)) throw new Error(`expected a refusal, got ${error instanceof Error ? error.stack : String(error)}`);
    return { code: error.code, kind: error.kind, recorded: error.recorded, message: error.message };
  }

  describe('an allowed decision', () => {
    it('writes its record, its state and its events — the decision’s event first — in one transaction, and answers from it', async () => {
      const referralId = randomUUID();
      const [ctx, decide] = request(referralId);
      expect(await db.runner.command(ctx, decide, (tx) => statusOf(tx, referralId))).toEqual([{ id: referralId, status: 'requested' }]);

      expect(await decisions()).toEqual([
        { command: 'request-referral', outcome: 'allowed', code: null, agency_id: 'agency-a', user_id: 'u-caseworker-1', referral_id: referralId, domain: 'health', agreement_version: '1' },
      ]);
      expect(await db.q('SELECT client_id, from_agency_id, to_agency_id, domain, status, agreement_version FROM referral')).toEqual([
        { client_id: CLIENT, from_agency_id: 'agency-a', to_agency_id: 'agency-b', domain: 'health', status: 'requested', agreement_version: '1' },
      ]);
      const [{ id: decisionId }] = await db.q<{ id: string }>('SELECT id FROM decision');
      const events = await outbox();
      expect(events.map((e) => e.event_type)).toEqual(['AgreementDecisionRecorded', 'ReferralRequested']);
      expect(events[0].envelope.data).toMatchObject({ decisionId, clientId: CLIENT, command: 'request-referral', outcome: 'allowed', referralId });
      expect(events[1].envelope.data).toMatchObject({ referralId, clientId: CLIENT, fromAgencyId: 'agency-a', toAgencyId: 'agency-b', domain: 'health' });
      expect(events.map((e) => e.envelope.correlationId)).toEqual([`corr-${referralId}`, `corr-${referralId}`]);
      // rows a transaction inserts carry its id: one id, one transaction
      const xids = await db.q<{ xmin: string }>(`SELECT xmin::text FROM decision UNION SELECT xmin::text FROM referral UNION SELECT xmin::text FROM outbox`);
      expect(xids).toHaveLength(1);
    });

    it('applies each of its events with its writer, in the order decided', async () => {
      const referralId = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health', handsOverLead: true });
      const [ctx, decide] = step(referralId, 'accept', 'agency-b');
      await db.runner.command(ctx, decide, (tx) => statusOf(tx, referralId));

      expect((await outbox()).map((e) => e.event_type)).toEqual(['AgreementDecisionRecorded', 'ReferralAccepted', 'ClaimGranted', 'LeadHandedOver']);
      expect(await db.q('SELECT status FROM referral')).toEqual([{ status: 'accepted' }]);
      expect(await db.q('SELECT agency_id, domain, exclusive, referral_id FROM claim WHERE released_at IS NULL')).toEqual([{ agency_id: 'agency-b', domain: 'health', exclusive: true, referral_id: referralId }]);
      expect(await db.q('SELECT agency_id, referral_id FROM client_lead')).toEqual([{ agency_id: 'agency-b', referral_id: referralId }]);
    });

    it('leaves nothing behind when its answer cannot be built', async () => {
      const [ctx, decide] = request(randomUUID());
      await expect(db.runner.command(ctx, decide, () => Promise.reject(new Error('the answer failed')))).rejects.toThrow('the answer failed');
      expect(await counts()).toEqual({ decision: 0, referral: 0, claim: 0, outbox: 0 });
    });
  });

  describe('a refused decision', () => {
    it.each([
      ['UA-2', 'conflict', () => request(randomUUID(), 'agency-c')],
      ['REFERRAL.SAME_AGENCY', 'unprocessable', () => request(randomUUID(), 'agency-a')],
    ] as const)('writes only its record and its event, and is answered as a recorded refusal (%s, %s)', async (code, kind, command) => {
      const [ctx, decide] = command();
      expect(await refusalOf(db.runner.command(ctx, decide, () => Promise.resolve('answered')))).toEqual({ code, kind, recorded: true, message: expect.any(String) });
      expect(await decisions()).toEqual([expect.objectContaining({ command: 'request-referral', outcome: 'refused', code, referral_id: ctx.referralId })]);
      const events = await outbox();
      expect(events).toEqual([{ event_type: 'AgreementDecisionRecorded', envelope: expect.objectContaining({ data: expect.objectContaining({ outcome: 'refused', code, rulesChecked: [] }) }) }]);
      expect(await counts()).toEqual({ decision: 1, referral: 0, claim: 0, outbox: 1 });
    });

    it('is forbidden when the agency may not take the step', async () => {
      const referralId = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health' });
      const [ctx, decide] = step(referralId, 'accept', 'agency-c');
      expect(await refusalOf(db.runner.command(ctx, decide, () => Promise.resolve('answered')))).toMatchObject({ code: 'REFERRAL.NOT_ADDRESSED_TO_AGENCY', kind: 'forbidden', recorded: true });
      expect(await db.q('SELECT status FROM referral')).toEqual([{ status: 'requested' }]);
    });
  });

  it('records nothing for a refusal thrown before the engine decided (a referral that does not exist)', async () => {
    const [ctx, decide] = step(randomUUID(), 'accept', 'agency-b');
    expect(await refusalOf(db.runner.command(ctx, decide, () => Promise.resolve('answered')))).toEqual({ code: 'REFERRAL.NOT_FOUND', kind: 'not-found', recorded: false, message: 'No such referral.' });
    expect(await counts()).toEqual({ decision: 0, referral: 0, claim: 0, outbox: 0 });
  });

  it('writes nothing for a decision it need not take', async () => {
    const [ctx] = request(randomUUID());
    await expect(db.runner.run(ctx, () => null)).resolves.toBeNull();
    expect(await counts()).toEqual({ decision: 0, referral: 0, claim: 0, outbox: 0 });
  });

  it("joins the caller's transaction: it commits with it, and rolls back with it", async () => {
    const [ctx, decide] = request(randomUUID());
    await expect(
      db.database.transaction(async (tx) => {
        expect(await db.runner.run(ctx, decide, tx)).toMatchObject({ outcome: 'allowed' });
        expect(await tx.query('SELECT count(*)::int AS n FROM referral')).toEqual([{ n: 1 }]);
        // not committed: nobody else sees it yet
        expect(await counts()).toEqual({ decision: 0, referral: 0, claim: 0, outbox: 0 });
        throw new Error('the caller failed after the decision');
      }),
    ).rejects.toThrow('the caller failed after the decision');
    expect(await counts()).toEqual({ decision: 0, referral: 0, claim: 0, outbox: 0 });

    await db.database.transaction((tx) => db.runner.run(ctx, decide, tx));
    expect(await counts()).toEqual({ decision: 1, referral: 1, claim: 0, outbox: 2 });
  });

  describe('a race lost to a neighbour that committed between load and apply', () => {
    /** After a lost race: the one refused decision, its one event, and none of the losing transaction's writes. */
    async function expectRecordedRefusal(ctx: DecisionContext, code: string) {
      expect(await decisions()).toEqual([expect.objectContaining({ command: ctx.command, outcome: 'refused', code, agency_id: ctx.agencyId, referral_id: ctx.referralId ?? null })]);
      const events = await outbox();
      expect(events.map((e) => e.event_type)).toEqual(['AgreementDecisionRecorded']);
      expect(events[0].envelope.data).toMatchObject({ outcome: 'refused', code, command: ctx.command, clientId: CLIENT });
    }

    it('UA-5: a referral the neighbour opened in the same domain', async () => {
      const theirs = randomUUID();
      db.database.rivalCommitsFirst(
        `INSERT INTO referral (id, client_id, from_agency_id, to_agency_id, domain, status, requested_at, respond_by) VALUES ($1, $2, 'agency-a', 'agency-c', 'health', 'requested', now(), now() + interval '2 days')`,
        [theirs, CLIENT],
      );
      const [ctx, decide] = request(randomUUID());
      expect(await refusalOf(db.runner.command(ctx, decide, () => Promise.resolve('answered')))).toEqual({
        code: 'UA-5',
        kind: 'conflict',
        recorded: true,
        message: 'This client already has an open referral in this domain.',
      });
      await expectRecordedRefusal(ctx, 'UA-5');
      expect(await db.q('SELECT id FROM referral')).toEqual([{ id: theirs }]);
    });

    it('UA-4: an exclusive claim the neighbour granted first', async () => {
      await seed.service({ agencyId: 'agency-a', domain: 'health' });
      db.database.rivalCommitsFirst(`INSERT INTO claim (id, client_id, domain, agency_id, exclusive, granted_at) VALUES ($1, $2, 'health', 'agency-c', true, now())`, [randomUUID(), CLIENT]);
      const ctx: DecisionContext = { clientId: CLIENT, command: 'claim', actor: ACTOR, agencyId: 'agency-a', domain: 'health', agencyIds: ['agency-a'] };
      const decide: Decide = ({ agreement, state, directory }) => decideClaim(agreement, state, directory, 'agency-a', 'health');
      expect(await refusalOf(db.runner.command(ctx, decide, () => Promise.resolve('answered')))).toMatchObject({ code: 'UA-4', kind: 'conflict', recorded: true });
      await expectRecordedRefusal(ctx, 'UA-4');
      expect(await db.q('SELECT agency_id FROM claim')).toEqual([{ agency_id: 'agency-c' }]);
    });

    it('REFERRAL.ILLEGAL_TRANSITION: a referral the neighbour cancelled', async () => {
      const referralId = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health' });
      db.database.rivalCommitsFirst(`UPDATE referral SET status = 'cancelled' WHERE id = $1`, [referralId]);
      const [ctx, decide] = step(referralId, 'accept', 'agency-b');
      expect(await refusalOf(db.runner.command(ctx, decide, () => Promise.resolve('answered')))).toEqual({
        code: 'REFERRAL.ILLEGAL_TRANSITION',
        kind: 'conflict',
        recorded: true,
        message: 'The referral is no longer requested; someone acted on it a moment ago.',
      });
      await expectRecordedRefusal(ctx, 'REFERRAL.ILLEGAL_TRANSITION');
      expect(await db.q('SELECT status FROM referral')).toEqual([{ status: 'cancelled' }]);
      expect(await db.q('SELECT * FROM claim')).toEqual([]);
    });

    it('UA-3: a lead the neighbour moved, after the accepted step and the claim were written', async () => {
      const referralId = await seed.referral({ clientId: CLIENT, from: 'agency-a', to: 'agency-b', domain: 'health', handsOverLead: true });
      db.database.rivalCommitsFirst(`UPDATE client_lead SET agency_id = 'agency-c' WHERE client_id = $1`, [CLIENT]);
      const [ctx, decide] = step(referralId, 'accept', 'agency-b');
      expect(await refusalOf(db.runner.command(ctx, decide, () => Promise.resolve('answered')))).toMatchObject({ code: 'UA-3', kind: 'conflict', recorded: true });
      await expectRecordedRefusal(ctx, 'UA-3');
      // the status change and the claim written before the handover failed are gone with it
      expect(await db.q('SELECT status FROM referral')).toEqual([{ status: 'requested' }]);
      expect(await db.q('SELECT * FROM claim')).toEqual([]);
      expect(await db.q('SELECT agency_id FROM client_lead')).toEqual([{ agency_id: 'agency-c' }]);
    });
  });
});
