import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** An agency of the partnership: an HSDS organization. */
@Entity({ name: 'agency' })
export class Agency {
  @PrimaryColumn({ type: 'text' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ name: 'stakeholder_type', type: 'text' })
  stakeholderType: string;

  @Column({ type: 'text' })
  region: string;

  @Column({ name: 'hsds_id', type: 'uuid' })
  hsdsId: string;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  @Column({ type: 'text', nullable: true })
  website: string | null;

  @Column({ name: 'legal_status', type: 'text', nullable: true })
  legalStatus: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
