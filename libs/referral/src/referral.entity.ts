import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type { ReferralStatus } from '@umbrella/agreement';
import type { ReferralStatus } from '@umbrella/agreement';

@Entity({ name: 'referral' })
@Index(['clientId', 'domain'])
export class Referral {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'client_id', type: 'text' })
  clientId: string;

  @Column({ name: 'from_agency_id', type: 'text' })
  fromAgencyId: string;

  @Column({ name: 'to_agency_id', type: 'text' })
  toAgencyId: string;

  @Column({ type: 'text' })
  domain: string;

  @Column({ name: 'service_id', type: 'text', nullable: true })
  serviceId: string | null;

  @Column({ type: 'text' })
  status: ReferralStatus;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt: Date;

  @Column({ name: 'respond_by', type: 'timestamptz' })
  respondBy: Date;

  @Column({ type: 'boolean' })
  waitlisted: boolean;

  @Column({ name: 'hands_over_lead', type: 'boolean' })
  handsOverLead: boolean;

  @Column({ name: 'agreement_version', type: 'text', nullable: true })
  agreementVersion: string | null;

  @Column({ name: 'reason_code', type: 'text', nullable: true })
  reasonCode: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
