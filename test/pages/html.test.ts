import test from 'ava';

import { escapeHtml, html, raw } from '../../src/pages/html.ts';

test('interpolations are escaped for element content and quoted attributes', (t) => {
  const evil = `<script>alert('x')</script> & "quoted"`;
  t.is(html`<p title="${evil}">${evil}</p>`.html, `<p title="${escapeHtml(evil)}">${escapeHtml(evil)}</p>`);
  t.is(escapeHtml(evil), '&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;');
});

test('only raw and nested templates pass through unescaped', (t) => {
  t.is(html`<div>${raw('<b>ok</b>')}${html`<i>${'<x>'}</i>`}${['<y>', raw('<z>')]}</div>`.html, '<div><b>ok</b><i>&lt;x&gt;</i>&lt;y&gt;<z></div>');
});
