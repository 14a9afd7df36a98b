import type { Context } from 'koa';

import { tokenPagesPrefix } from './page-chrome.ts';

/** The only script of any tollgate page: the copy buttons of the page that shows a new token. */
export const copyScriptPath = `${tokenPagesPrefix}/copy.js`;

// The buttons are hidden in the HTML: without this script they would do nothing, and the
// value and snippets can still be selected and copied by hand.
const copyScript = `'use strict';
for (const button of document.querySelectorAll('button[data-copy]')) {
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener('click', async () => {
    const source = document.getElementById(button.dataset.copy);
    try {
      await navigator.clipboard.writeText(source.textContent);
      button.textContent = 'Copied';
    } catch {
      window.getSelection().selectAllChildren(source);
      button.textContent = 'Selected: press Ctrl+C';
    }
    setTimeout(() => { button.textContent = label; }, 2500);
  });
}
`;

export function sendCopyScript(ctx: Context): void {
  ctx.status = 200;
  ctx.type = 'text/javascript; charset=utf-8';
  ctx.body = copyScript;
}
