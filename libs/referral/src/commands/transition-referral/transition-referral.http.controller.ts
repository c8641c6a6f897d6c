import { Body, Controller, Headers, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ReferralAction } from '@umbrella/agreement';
import { CodedHttpException, correlationIdOf, CurrentPrincipal, Principal, Roles } from '@umbrella/platform';
import { ReferralView, toView } from '../../referral.view';
import { TransitionReferralHandler } from './transition-referral.handler';
import { TransitionParams, TransitionRequestDto } from './transition-referral.request.dto';

/** Steps that end or refuse a referral carry a structured reason. */
const NEEDS_REASON: ReferralAction[] = ['reject', 'fail', 'cancel', 'enter-in-error'];

export class TransitionResultView {
  @ApiProperty({ type: ReferralView }) referral: ReferralView;
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
