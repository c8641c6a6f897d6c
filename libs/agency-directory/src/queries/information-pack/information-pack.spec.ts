import { ServiceRecord } from '../../service.store';
import { informationPackHtml, informationPackMarkdown, PackAgency } from './information-pack';

const service: ServiceRecord = {
  id: 's1',
  agencyId: 'a1',
  agencyHsdsId: 'h1',
  agencyName: 'Fresh <Start>',
  region: 'northbridge',
  name: 'Confidence & motivation',
  description: 'Six weeks.',
  status: 'active',
  domain: 'confidence-and-motivation',
  eligibilityDescription: 'Out of work',
  minimumAge: 18,
  maximumAge: 24,
  targetGroups: ['young-people'],
  applicationProcess: null,
  feesDescription: null,
  url: null,
  email: null,
  updatedAt: new Date('2026-11-01T00:00:00Z'),
  needs: [{ attributeId: 'x', termId: 't', code: 'confidence-and-motivation', name: 'Confidence and motivation', description: '' }],
  serviceAreas: [],
  locations: [],
  contacts: [{ id: 'c1', name: 'Referrals desk', email: 'desk@fresh.example' }],
  capacity: { id: 'cap', unit: 'places', available: 0, maximum: 12, waitlistAllowed: true, updated: new Date('2026-11-20T00:00:00Z') },
};
const agency: PackAgency = {
  id: 'a1',
  name: 'Fresh <Start> Trust',
  description: 'Mentoring',
  stakeholderType: 'ngo',
  email: null,
  website: 'https://fresh.example',
  agreementVersions: ['1'],
  services: [service],
};

describe('information pack', () => {
  it('renders every agency and service with needs, eligibility, capacity and contacts, escaping HTML', () => {
    const html = informationPackHtml('northbridge', [agency], new Date('2026-11-24T10:00:00Z'));
    expect(html).toContain('<h2>Fresh &lt;Start&gt; Trust</h2>');
    expect(html).toContain('Confidence &amp; motivation');
    expect(html).toContain('aged 18–24; Out of work');
    expect(html).toContain('0 of 12 places available (waitlist open), updated 2026-11-20');
    expect(html).toContain('Referrals desk, desk@fresh.example');
    expect(html).toContain('NGO · signed the umbrella agreement (version 1)');
    expect(html).not.toContain('<Start>');
  });

  it('renders the same pack as Markdown', () => {
    const md = informationPackMarkdown('northbridge', [agency], new Date('2026-11-24T10:00:00Z'));
    expect(md).toContain('# Joint information pack: northbridge');
    expect(md).toContain('### Confidence & motivation');
    expect(md).toContain('- **Needs:** Confidence and motivation');
  });
});
