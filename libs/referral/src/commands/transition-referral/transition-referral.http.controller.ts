import { Body, Controller, Headers, HttpCode, HttpStatus, Injectable, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { decideStep, REFERRAL_ACTIONS, ReferralAction } from '@umbrella/agreement';
import { REFERRAL_REASONS, ReferralReason } from '@umbrella/contracts';
import { actorOf, CodedHttpException, correlationIdOf, CurrentPrincipal, Database, IsUuid, Principal, Roles } from '@umbrella/platform';
import { Equals, IsIn, IsOptional, ValidateIf } from 'class-validator';
import { ReferralAccess } from '../../access/referral.access-policy';
import { referralOrGone } from '../../engine/decision-context';
import { DecisionRunner } from '../../engine/decision-runner';
import { Referral } from '../../referral.entity';
import { ReferralView, toView } from '../../referral.view';

const USER_ACTIONS = REFERRAL_ACTIONS.filter((a) => a !== 'expire');
/** Steps that end or refuse a referral carry a structured reason. */
const NEEDS_REASON: ReferralAction[] = ['reject', 'fail', 'cancel', 'enter-in-error'];

export class TransitionParams {
  @IsUuid('id must be a referral id (UUID)')
  id: string;

  @IsIn(USER_ACTIONS, { message: `action must be one of ${USER_ACTIONS.join(', ')}` })
  action: Exclude<ReferralAction, 'expire'>;
}

export class TransitionRequestDto {
  @ApiPropertyOptional({
    enum: REFERRAL_REASONS,
    description: "Required to reject, fail, cancel or mark entered-in-error. Details go on the client's record as a note in client-journey, never here",
  })
  @IsOptional()
  @IsIn(REFERRAL_REASONS)
  reason?: ReferralReason;

  /**
   * Refused, not ignored: free text about a client may name a person, and personal data lives in
   * client-journey only, so the caller learns where the details belong.
   */
  @ValidateIf((o: TransitionRequestDto) => o.reasonText !== undefined)
  @Equals(undefined, {
    message:
      'reasonText is not accepted: referrals keep a structured reason only. Write the details as a note on the client in client-journey (POST /clients/{clientId}/notes with this referralId)',
  })
  reasonText?: never;
}

export class TransitionResultView {
  @ApiProperty({ type: ReferralView }) referral: ReferralView;
}

@Injectable()
export class TransitionReferralHandler {
  constructor(
    private readonly database: Database,
    private readonly runner: DecisionRunner,
  ) {}

  async execute(id: string, action: ReferralAction, body: TransitionRequestDto, principal: Principal | null, correlationId?: string): Promise<Referral> {
    const repo = this.database.dataSource.getRepository(Referral);
    const current = await repo.findOneBy({ id });
    if (principal) ReferralAccess.view(principal, current);
    if (!current) throw new CodedHttpException(HttpStatus.NOT_FOUND, 'REFERRAL.NOT_FOUND', 'No such referral.');
    return this.runner.command(
      {
        clientId: current.clientId,
        command: action,
        actor: principal ? actorOf(principal) : null,
        agencyId: principal?.agencyId ?? null,
        referralId: id,
        domain: current.domain as never,
        correlationId,
        agencyIds: [current.fromAgencyId, current.toAgencyId],
      },
      // the referral is read under the client's lock: the decision sees its latest status
      ({ agreement, state, directory, now, referral }) => decideStep(agreement, state, directory, { referral: referralOrGone(referral), action, byAgencyId: principal?.agencyId ?? null, reason: body.reason ?? null }, now),
      (tx) => tx.getRepository(Referral).findOneByOrFail({ id }),
    );
  }
}

@ApiTags('referrals')
@ApiBearerAuth()
@Controller('referrals')
export class TransitionReferralHttpController {
  constructor(private readonly handler: TransitionReferralHandler) {}

  @Post(':id/:action')
  @Roles('caseworker')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Move a referral through its lifecycle: accept, reject, start, hold, resume, complete, fail, cancel, enter-in-error',
    description: 'The receiving agency accepts (gaining a claim in the domain, and the lead if the referral hands it over), rejects, starts, holds, resumes, completes or fails; either agency cancels or marks a mistake entered-in-error.',
  })
  @ApiOkResponse({ type: ReferralView })
  async transition(
    @Param() { id, action }: TransitionParams,
    @Body() body: TransitionRequestDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('x-correlation-id') correlationId?: string,
  ): Promise<ReferralView> {
    const problems: string[] = [];
    if (NEEDS_REASON.includes(action) && !body.reason) problems.push(`reason: a reason is required to ${action} a referral`);
    if (problems.length > 0) throw new CodedHttpException(HttpStatus.BAD_REQUEST, 'VALIDATION_FAILED', 'The request is invalid; see errors for each bad field.', problems);
    return toView(await this.handler.execute(id, action, body, principal, correlationIdOf(correlationId)));
  }
}
