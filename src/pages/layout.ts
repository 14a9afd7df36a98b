import { html, raw, type RawHtml } from './html.ts';

const styles = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0a5bd3;--danger:#b42318;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:26rem;margin:8vh auto;padding:2rem;background:#fff;border:1px solid var(--line);border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.06)}
.brand{font-weight:700;letter-spacing:.02em;color:var(--accent);margin:0 0 1.5rem;font-size:.95rem}
h1{font-size:1.4rem;margin:0 0 .5rem}
p{margin:.25rem 0 1rem;color:var(--muted)}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=text],input[type=password]{width:100%;padding:.6rem .75rem;font:inherit;border:1px solid #8c959f;border-radius:8px}
input:focus,button:focus{outline:3px solid rgba(10,91,211,.35);outline-offset:1px}
.code{text-transform:uppercase;letter-spacing:.2em;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:1.25rem;text-align:center}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}
button{flex:1;padding:.65rem 1rem;font:inherit;font-weight:600;border-radius:8px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:#fff;color:var(--danger);border-color:var(--danger)}
.error{background:#fef3f2;border:1px solid #fecdca;color:var(--danger);padding:.6rem .75rem;border-radius:8px;margin:0 0 1rem}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:1rem 0;font-size:.95rem}
dt{color:var(--muted)}dd{margin:0;word-break:break-word}
footer{margin-top:1.5rem;font-size:.8rem;color:var(--muted)}
`;

/** The shell every device-login page shares. */
export function page(title: string, body: RawHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · tollgate</title>
<style>${raw(styles)}</style>
</head>
<body>
<main>
<p class="brand">tollgate</p>
${body}
</main>
</body>
</html>`.html;
}
