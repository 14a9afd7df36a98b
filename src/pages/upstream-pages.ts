import type { Context } from 'koa';

import { tokenPagesPrefix } from './page-prefixes.ts';
import { html } from './html.ts';
import { footers, page } from './layout.ts';
import { sendPage } from './notice-pages.ts';

export interface UpstreamProblem {
  status: number;
  title: string;
  /** What happened, in words for the person. */
  message: string;
  /**
   * Our own path to start again from: the sign-in page when it is still open, else the code
   * page (or the token pages' sign-in); undefined when where the sign-in started is not known.
   */
  retry: string | undefined;
}

/** Both ways in, for a sign-in answer that says nothing about where it was started. */
const neutralWaysBack = html`<p>Start again where you were:</p>
<ul>
<li><a href="/device">Connecting a device: start again with a new code</a></li>
<li><a href="${tokenPagesPrefix}">Managing your APIs' tokens: sign in again</a></li>
</ul>`;

/** Where every upstream sign-in that went wrong ends: says what happened, offers to start again. */
export function sendUpstreamProblem(ctx: Context, problem: UpstreamProblem): void {
  const { retry } = problem;
  const again = retry === '/device' ? 'Start again with a new code' : 'Back to sign-in';
  const deviceLogin = retry === '/device' || retry?.startsWith('/interaction/') === true;
  sendPage(
    ctx,
    problem.status,
    page(
      problem.title,
      html`<h1>${problem.title}</h1>
<p class="alert" role="alert">${problem.message}</p>
<p>Nothing was signed in.</p>
${retry ? html`<p><a class="button" href="${retry}">${again}</a></p>` : neutralWaysBack}`,
      deviceLogin ? { step: 2 } : retry ? { footer: footers.tokens } : {},
    ),
  );
}
