import { ServiceRecord } from '../../service.store';

/** One agency in a region's joint information pack. */
export interface PackAgency {
  id: string;
  name: string;
  description: string;
  stakeholderType: string;
  email: string | null;
  website: string | null;
  agreementVersions: string[];
  services: ServiceRecord[];
}

const STAKEHOLDER_LABELS: Record<string, string> = {
  'public-employment-service': 'Public employment service',
  municipality: 'Municipality',
  employer: 'Employer',
  'education-or-training-provider': 'Education or training provider',
  ngo: 'NGO',
  health: 'Health service',
  housing: 'Housing',
  'development-agency': 'Development agency',
  'chamber-of-commerce': 'Chamber of commerce or crafts',
};

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

function ages(s: ServiceRecord): string {
  if (s.minimumAge !== null && s.maximumAge !== null) return `aged ${s.minimumAge}–${s.maximumAge}`;
  if (s.minimumAge !== null) return `aged ${s.minimumAge} and over`;
  if (s.maximumAge !== null) return `aged up to ${s.maximumAge}`;
  return 'all ages';
}

function capacity(s: ServiceRecord): string {
  const c = s.capacity;
  if (!c) return 'capacity not published';
  const of = c.maximum !== null ? ` of ${c.maximum}` : '';
  const waitlist = c.available === 0 ? (c.waitlistAllowed ? ' (waitlist open)' : ' (no waitlist)') : '';
  return `${c.available}${of} places available${waitlist}, updated ${c.updated.toISOString().slice(0, 10)}`;
}

function contacts(s: ServiceRecord): string[] {
  return s.contacts.map((c) => [c.name, c.title, c.email, c.phone].filter(Boolean).join(', '));
}

/** A printable page for a region: every signatory agency, its services, needs, eligibility, capacity and contacts. */
export function informationPackHtml(region: string, agencies: PackAgency[], generatedAt: Date): string {
  const e = escapeHtml;
  const sections = agencies.map((a) => {
    const services = a.services
      .map(
        (s) => `
      <article class="service">
        <h3>${e(s.name)}</h3>
        <p>${e(s.description)}</p>
        <dl>
          <dt>Needs</dt><dd>${e(s.needs.map((n) => n.name).join(', ') || '—')}</dd>
          <dt>Domain</dt><dd>${e(s.domain)}</dd>
          <dt>Eligibility</dt><dd>${e([ages(s), s.eligibilityDescription].filter(Boolean).join('; '))}</dd>
          <dt>Capacity</dt><dd>${e(capacity(s))}</dd>
          <dt>How to apply</dt><dd>${e(s.applicationProcess ?? 'Refer through Umbrella.')}</dd>
          <dt>Contacts</dt><dd>${e(contacts(s).join(' · ') || '—')}</dd>
        </dl>
      </article>`,
      )
      .join('');
    return `
    <section class="agency" id="${e(a.id)}">
      <h2>${e(a.name)}</h2>
      <p class="meta">${e(STAKEHOLDER_LABELS[a.stakeholderType] ?? a.stakeholderType)} · signed the umbrella agreement (version ${e(a.agreementVersions.join(', '))})${a.website ? ` · <a href="${e(a.website)}">${e(a.website)}</a>` : ''}${a.email ? ` · ${e(a.email)}` : ''}</p>
      <p>${e(a.description)}</p>${services || '\n      <p><em>No active services listed.</em></p>'}
    </section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Joint information pack: ${e(region)}</title>
  <style>
    body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
    h1 { border-bottom: 3px solid #1d70b8; padding-bottom: .5rem; }
    .agency { break-inside: avoid; border-top: 1px solid #b1b4b6; margin-top: 2rem; }
    .meta { color: #505a5f; }
    .service { margin-left: 1rem; break-inside: avoid; }
    dl { display: grid; grid-template-columns: 9rem 1fr; gap: .2rem 1rem; }
    dt { font-weight: 600; }
    @media print { a { color: inherit; text-decoration: none; } }
  </style>
</head>
<body>
  <h1>Joint information pack: ${e(region)}</h1>
  <p>${agencies.length} signatory agencies of the umbrella agreement and the services they offer. Generated ${e(generatedAt.toISOString().slice(0, 16).replace('T', ' '))} UTC.</p>${sections.join('')}
</body>
</html>
`;
}

export function informationPackMarkdown(region: string, agencies: PackAgency[], generatedAt: Date): string {
  const lines = [`# Joint information pack: ${region}`, '', `${agencies.length} signatory agencies of the umbrella agreement. Generated ${generatedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC.`];
  for (const a of agencies) {
    lines.push('', `## ${a.name}`, '', `${STAKEHOLDER_LABELS[a.stakeholderType] ?? a.stakeholderType} · agreement version ${a.agreementVersions.join(', ')}${a.website ? ` · ${a.website}` : ''}${a.email ? ` · ${a.email}` : ''}`, '', a.description);
    for (const s of a.services) {
      lines.push(
        '',
        `### ${s.name}`,
        '',
        s.description,
        '',
        `- **Needs:** ${s.needs.map((n) => n.name).join(', ') || '—'}`,
        `- **Domain:** ${s.domain}`,
        `- **Eligibility:** ${[ages(s), s.eligibilityDescription].filter(Boolean).join('; ')}`,
        `- **Capacity:** ${capacity(s)}`,
        `- **How to apply:** ${s.applicationProcess ?? 'Refer through Umbrella.'}`,
        `- **Contacts:** ${contacts(s).join(' · ') || '—'}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
