import { Body, Controller, HttpCode, HttpStatus, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AgencyView, toAgencyView } from '../../agency.view';
import { RegisterAgencyHandler } from './register-agency.handler';
import { RegisterAgencyRequestDto } from './register-agency.request.dto';

@ApiTags('agencies')
@Controller('agencies')
export class RegisterAgencyHttpController {
  constructor(private readonly handler: RegisterAgencyHandler) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Register an agency in the partnership directory' })
  @ApiCreatedResponse({ type: AgencyView })
  async register(@Body() body: RegisterAgencyRequestDto): Promise<AgencyView> {
    return toAgencyView(await this.handler.execute(body));
  }
}
