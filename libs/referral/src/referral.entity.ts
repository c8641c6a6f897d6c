import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type ReferralStatus = 'requested';

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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
