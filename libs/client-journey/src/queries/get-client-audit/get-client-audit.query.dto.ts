import { LimitQueryDto } from '@umbrella/platform';

export class ClientAuditQueryDto extends LimitQueryDto {}
