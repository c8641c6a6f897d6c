import { esc, html, raw } from './html';

describe('html templates', () => {
  it('escapes every interpolated value, so a client name cannot inject markup', () => {
    const name = `<script>alert("x")</script> & 'co'`;
    expect(html`<p title="${name}">${name}</p>`.value).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p>',
    );
  });

  it('nests templates and lists without escaping them twice', () => {
    const items = ['a<b', 'c'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });

  it('renders nothing for null, undefined and false, and raw markup as given', () => {
    expect(html`${null}${undefined}${false}${raw('<br>')}${0}`.value).toBe('<br>0');
    expect(esc(undefined)).toBe('');
  });
});
