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

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
