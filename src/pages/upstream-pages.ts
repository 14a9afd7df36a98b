import type { Context } from 'koa';

import { html } from './html.ts';
import { footers, page } from './layout.ts';
import { sendPage } from './notice-pages.ts';

export interface UpstreamProblem {
  status: number;
  title: string;
  /** What happened, in words for the person. */
  message: string;
  /** Our own path to start again from: the sign-in page when it is still open, else the code page. */
  retry: string;
}

/** Where every upstream sign-in that went wrong ends: says what happened, offers to start again. */
export function sendUpstreamProblem(ctx: Context, problem: UpstreamProblem): void {
  const again = problem.retry === '/device' ? 'Start again with a new code' : 'Back to sign-in';
  const deviceLogin = problem.retry === '/device' || problem.retry.startsWith('/interaction/');
  sendPage(
    ctx,
    problem.status,
    page(
      problem.title,
      html`<h1>${problem.title}</h1>
<p class="alert" role="alert">${problem.message}</p>
<p>Nothing was signed in.</p>
<p><a class="button" href="${problem.retry}">${again}</a></p>`,
      deviceLogin ? { step: 2 } : { footer: footers.tokens },
    ),
  );
}
