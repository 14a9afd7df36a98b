import { createHash } from 'node:crypto';

import { html, raw, type RawHtml } from './html.ts';

// Contrast: every text colour here is at least 4.5:1 on its background (WCAG AA), input
// borders at least 3:1; the accessibility check in the browser test holds us to it.
const styles = `
:root{--ink:#16191d;--muted:#4f5865;--line:#d5dae1;--field:#6b7582;--accent:#1d4ed8;--accent-dark:#1e3a8a;--danger:#912018;--danger-bg:#fef3f2;--danger-line:#fda29b;--ok:#05603a;--ok-bg:#ecfdf3;--bg:#eef1f5}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;min-height:100vh;font:16px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg)}
.shell{max-width:28rem;margin:0 auto;padding:7vh 1rem 2rem}
.brand{display:flex;align-items:center;gap:.55rem;margin:0 0 1.25rem .25rem;font-weight:700;font-size:1.15rem;letter-spacing:.01em;color:var(--ink)}
.brand svg{width:30px;height:30px;flex:none}
main{background:#fff;border:1px solid var(--line);border-radius:14px;box-shadow:0 1px 2px rgba(16,24,40,.05),0 12px 32px rgba(16,24,40,.07);padding:2rem 2rem 1.75rem}
.steps{display:flex;gap:.5rem;list-style:none;margin:0 0 1.6rem;padding:0;font-size:.8rem;font-weight:600;color:var(--muted)}
.steps li{flex:1;padding-top:.45rem;border-top:4px solid var(--line)}
.steps li.done{border-top-color:#7f9ee6}
.steps li[aria-current]{border-top-color:var(--accent);color:var(--accent)}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 .5rem;letter-spacing:-.01em}
p{margin:0 0 1rem}
.lead{color:var(--muted)}
label{display:block;font-weight:600;margin:1.1rem 0 .35rem}
input[type=text],input[type=password]{display:block;width:100%;padding:.7rem .85rem;font:inherit;color:var(--ink);background:#fff;border:1px solid var(--field);border-radius:10px}
input[aria-invalid=true]{border-color:var(--danger)}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid #7aa2f7;outline-offset:2px}
.code{text-transform:uppercase;letter-spacing:.3em;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:1.6rem !important;text-align:center;padding:.75rem !important}
.hint{font-size:.875rem;color:var(--muted);margin:.45rem 0 0}
.actions{display:flex;gap:.75rem;margin-top:1.6rem}
button{flex:1;min-height:2.9rem;padding:.65rem 1rem;font:inherit;font-weight:600;border-radius:10px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button:hover{background:var(--accent-dark);border-color:var(--accent-dark)}
button.secondary{background:#fff;color:var(--ink);border-color:var(--field)}
button.secondary:hover{background:#f2f4f7}
.alert{padding:.75rem .9rem;border-radius:10px;margin:0 0 1.25rem;font-size:.95rem;background:var(--danger-bg);border:1px solid var(--danger-line);color:var(--danger)}
.warning{margin:1.25rem 0 0;padding:.75rem .9rem;border-radius:10px;font-size:.95rem;background:#fffaeb;border:1px solid #f5b546;color:#7a2e0e}
.warning strong{display:block;margin-bottom:.2rem}
.device{margin:1.25rem 0 0;border:1px solid var(--line);border-radius:10px}
.device div{display:grid;grid-template-columns:6.5rem 1fr;gap:.75rem;padding:.6rem .9rem;border-top:1px solid var(--line)}
.device div:first-child{border-top:0}
.device dt{color:var(--muted);font-size:.9rem}
.device dd{margin:0;word-break:break-word;font-weight:500}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;letter-spacing:.12em;font-weight:700}
.who{font-size:.9rem;color:var(--muted);margin:1rem 0 0}
.result{display:flex;align-items:center;justify-content:center;width:52px;height:52px;border-radius:50%;margin:0 0 1rem;background:var(--ok-bg);color:var(--ok)}
.result.denied{background:var(--danger-bg);color:var(--danger)}
.result svg{width:28px;height:28px}
a{color:var(--accent)}
.or{display:flex;align-items:center;gap:.75rem;margin:1.5rem 0 0;font-size:.875rem;color:var(--muted)}
.or::before,.or::after{content:"";flex:1;border-top:1px solid var(--line)}
.upstreams{display:flex;flex-direction:column;gap:.6rem;margin-top:1.25rem}
.upstreams button{flex:none;width:100%}
a.button{display:inline-block;padding:.65rem 1rem;border-radius:10px;background:var(--accent);color:#fff;font-weight:600;text-decoration:none}
footer{margin:1.25rem auto 0;max-width:24rem;font-size:.8rem;color:var(--muted);text-align:center}
.wide{max-width:62rem}
.wide main{padding:1.75rem 2rem}
.brand{flex-wrap:wrap}
.nav{margin-left:auto;display:flex;flex-wrap:wrap;align-items:center;gap:.5rem .75rem;font-size:.9rem;font-weight:500;color:var(--muted)}
.nav form{margin:0}
.nav button{flex:none;min-height:2.25rem;padding:.3rem .85rem;font-size:.9rem}
h2{font-size:1.15rem;line-height:1.3;margin:2rem 0 .75rem}
.crumbs{font-size:.9rem;margin:0 0 .75rem}
.cards{list-style:none;margin:0;padding:0;display:grid;gap:.75rem}
.card{border:1px solid var(--line);border-radius:10px;padding:.9rem 1rem}
.card h3,.card-title{font-size:1.02rem;margin:0 0 .5rem;word-break:break-word}
.card p:last-child{margin-bottom:0}
.facts{display:grid;grid-template-columns:repeat(auto-fill,minmax(12.5rem,1fr));gap:.5rem 1.25rem;margin:0}
.facts dt{font-size:.8rem;font-weight:600;color:var(--muted)}
.facts dd{margin:0;word-break:break-word}
.links{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;margin:.75rem 0 0}
.badge{display:inline-block;margin-left:.35rem;padding:0 .5rem;border-radius:999px;font-size:.8rem;font-weight:600;background:#fffaeb;border:1px solid #f5b546;color:#7a2e0e}
.badge.gone{background:var(--danger-bg);border-color:var(--danger-line);color:var(--danger)}
.badge.quiet{background:#f2f4f7;border-color:var(--line);color:var(--muted)}
.notice{padding:.75rem .9rem;border-radius:10px;margin:0 0 1.25rem;font-size:.95rem;background:var(--ok-bg);border:1px solid #75e0a7;color:var(--ok)}
.secret{display:block;padding:.75rem .9rem;margin:.35rem 0 .5rem;border:1px solid var(--field);border-radius:10px;background:#f8fafc;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.95rem;word-break:break-all;user-select:all}
pre{margin:.35rem 0 1rem;padding:.75rem .9rem;border-radius:10px;background:var(--ink);color:#f2f4f7;overflow-x:auto;font-size:.82rem;line-height:1.5}
pre:focus-visible{outline:3px solid #7aa2f7;outline-offset:2px}
input[type=number],input[type=date],select{display:block;width:100%;max-width:16rem;padding:.6rem .75rem;font:inherit;color:var(--ink);background:#fff;border:1px solid var(--field);border-radius:10px}
input[type=number][aria-invalid=true],input[type=date][aria-invalid=true]{border-color:var(--danger)}
fieldset{border:0;margin:1.1rem 0 0;padding:0;min-width:0}
legend{font-weight:600;padding:0;margin:0 0 .35rem}
label.check{display:flex;align-items:center;gap:.5rem;font-weight:400;margin:.3rem 0}
.field-error{font-size:.875rem;color:var(--danger);margin:.35rem 0 0}
button.danger{background:var(--danger);border-color:var(--danger)}
button.danger:hover{background:#7a1a13;border-color:#7a1a13}
button.inline,a.button{flex:none}
button.inline{margin:0 0 1.25rem}
code{overflow-wrap:anywhere}
.actions a.button.secondary,a.button.secondary{background:#fff;color:var(--ink);border:1px solid var(--field)}
.activity{list-style:none;margin:0;padding:0;font-size:.92rem}
.activity li{padding:.55rem 0;border-top:1px solid var(--line)}
.activity li:first-child{border-top:0}
.muted{color:var(--muted)}
.identity{margin-top:1.4rem;padding:.1rem 0 0 .9rem;border-left:3px solid var(--line)}
.publisher-form:has(#publisher-kind-kubernetes:checked) #github-actions-fields,.publisher-form:has(#publisher-kind-github_actions:checked) #kubernetes-fields{display:none}
.publisher-form select{max-width:100%}
@media (max-width:30rem){.wide main{padding:1.25rem 1rem}.shell.wide{padding-top:4vh}}
`;

/** The CSP source that allows exactly this stylesheet and nothing else inline. */
export const styleSource = `'sha256-${createHash('sha256').update(styles).digest('base64')}'`;

const logo = raw(
  '<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false"><rect width="32" height="32" rx="8" fill="#1d4ed8"/>' +
    '<path d="M8 24V12.5a8 8 0 0 1 16 0V24" fill="none" stroke="#fff" stroke-width="3" stroke-linecap="round"/>' +
    '<path d="M6 24h20" stroke="#fff" stroke-width="3" stroke-linecap="round"/><circle cx="16" cy="16" r="2.5" fill="#fff"/></svg>',
);

export const icons = {
  check: raw(
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M5 12.5l4.5 4.5L19 7.5" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/></svg>',
  ),
  cross: raw(
    '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M7 7l10 10M17 7L7 17" fill="none" stroke="currentColor" stroke-width="2.5" stroke-linecap="round"/></svg>',
  ),
};

const stepNames = ['Code', 'Sign in', 'Confirm'] as const;

export interface PageOptions {
  /** Which step of the device login this page is (1-3), or 4 once all are done. */
  step?: 1 | 2 | 3 | 4;
  /** A wider column, for the maintainers' lists; the device pages keep the narrow card. */
  wide?: boolean;
  /** Beside the brand: who is signed in, and signing out. */
  nav?: RawHtml;
  /** The line under the card; the device pages' reminder when absent. */
  footer?: string;
}

/** What the line under the card says on the device pages, and on the maintainers' token pages. */
export const footers = {
  device: 'Only enter a code that you started yourself, on a device you control.',
  tokens: 'Tokens made here belong to the API, not to you: every maintainer sees them and can revoke them.',
};

function steps(current: number): RawHtml {
  return html`<ol class="steps" aria-label="Device login progress">${stepNames.map((name, index) => {
    const step = index + 1;
    if (step === current) return html`<li aria-current="step">${name}</li>`;
    return step < current ? html`<li class="done">${name}</li>` : html`<li>${name}</li>`;
  })}</ol>`;
}

/** The shell every device-login page shares. No script, one hashed stylesheet. */
export function page(title: string, body: RawHtml, options: PageOptions = {}): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<title>${title} · tollgate</title>
<style>${raw(styles)}</style>
</head>
<body>
<div class="shell${options.wide ? ' wide' : ''}">
<header class="brand">${logo}<span>tollgate</span>${options.nav ? html`<div class="nav">${options.nav}</div>` : ''}</header>
<main>
${options.step ? steps(options.step) : ''}
${body}
</main>
<footer>${options.footer ?? footers.device}</footer>
</div>
</body>
</html>`.html;
}
