import { Controller, Get, Header } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '@umbrella/platform';
import { DASHBOARD_HTML, DASHBOARD_JS } from './dashboard.page';

/** The dashboard's page and script: static, without figures, so public; the figures need an analyst's token. */
@ApiTags('reports')
@Public()
@Controller()
export class DashboardHttpController {
  @Get('dashboard')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
  @ApiOperation({ summary: 'The reporting dashboard (charts of the main figures over time)' })
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('dashboard.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @ApiOperation({ summary: "The dashboard's script" })
  script(): string {
    return DASHBOARD_JS;
  }
}
