const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (char) => entities[char] as string);
}

/** A tagged template whose interpolations are escaped unless wrapped with `raw`. */
export class RawHtml {
  readonly html: string;
  constructor(html: string) {
    this.html = html;
  }
}

export const raw = (html: string) => new RawHtml(html);

export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0] as string;
  values.forEach((value, index) => {
    const rendered = Array.isArray(value)
      ? value.map((item) => (item instanceof RawHtml ? item.html : escapeHtml(item))).join('')
      : value instanceof RawHtml
        ? value.html
        : escapeHtml(value);
    out += rendered + (strings[index + 1] as string);
  });
  return new RawHtml(out);
}
