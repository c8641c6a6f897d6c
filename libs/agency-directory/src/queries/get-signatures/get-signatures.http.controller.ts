import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Database, PublishedOperation, Roles } from '@umbrella/platform';
import { DirectoryAccess } from '../../access/directory.access-policy';
import { AgencyIdParam } from '../../params';
import { SignatureView, toSignatureView } from '../../signature.view';

@ApiTags('agreement signatures')
@ApiBearerAuth()
@Controller('agencies/:agencyId/signatures')
export class GetSignaturesHttpController {
  constructor(private readonly database: Database) {}

  @Get()
  @Roles(...DirectoryAccess.readers)
  @PublishedOperation('Signatures.list', { summary: "The agency's signatures of the umbrella agreement" })
  async list(@Param() { agencyId }: AgencyIdParam): Promise<SignatureView[]> {
    const rows: Record<string, unknown>[] = await this.database.dataSource.query(
      'SELECT * FROM agreement_signature WHERE agency_id = $1 ORDER BY signed_at DESC',
      [agencyId],
    );
    return rows.map(toSignatureView);
  }
}
