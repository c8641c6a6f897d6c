import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The referral service's own copy of the directory, built from agency events (no call on the request path). */
@Entity({ name: 'known_agency' })
export class KnownAgency {
  @PrimaryColumn({ name: 'agency_id', type: 'text' })
  agencyId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ name: 'stakeholder_type', type: 'text' })
  stakeholderType: string;

  @Column({ type: 'text' })
  region: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
