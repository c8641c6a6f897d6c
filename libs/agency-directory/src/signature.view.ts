export interface SignatureView {
  agencyId: string;
  agreementVersion: string;
  status: 'signed' | 'suspended';
  signedAt: string;
  suspendedAt: string | null;
  suspensionReason: string | null;
}

export function toSignatureView(r: Record<string, unknown>): SignatureView {
  return {
    agencyId: r.agency_id as string,
    agreementVersion: r.agreement_version as string,
    status: r.status as 'signed' | 'suspended',
    signedAt: (r.signed_at as Date).toISOString(),
    suspendedAt: r.suspended_at ? (r.suspended_at as Date).toISOString() : null,
    suspensionReason: (r.suspension_reason as string | null) ?? null,
  };
}
