/** The placeholders a gateway template may use, each written `{name}`. */
export const TEMPLATE_PLACEHOLDERS = [
  'to',
  'text',
  'user',
  'password',
  'from',
  'messageId',
] as const;
export type TemplatePlaceholder = (typeof TEMPLATE_PLACEHOLDERS)[number];

export type TemplateValues = Readonly<Record<TemplatePlaceholder, string>>;

/**
 * How a value is escaped for where it lands:
 * - `url`: percent-encoded as a URL component (UTF-8), so `&`, `=`, `?`, `#` and spaces in a
 *   text cannot break the query;
 * - `form`: the same for an `application/x-www-form-urlencoded` body;
 * - `json`: the inside of a JSON string (the template supplies the quotes), so quotes,
 *   backslashes and newlines in a text cannot break the document;
 * - `header`: as is; a value with a line break is refused (header injection).
 */
export type TemplateEscaping = 'url' | 'form' | 'json' | 'header';

const PLACEHOLDER = /\{([A-Za-z]+)\}/g;

/** The placeholders `template` uses, including unknown ones (for config validation). */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? '');
}

/**
 * Fills `{name}` placeholders in `template` with `values`, escaped as `escaping` says. Braces
 * that do not name a placeholder (`{"to": …}` in a JSON body) are left alone.
 */
export function renderTemplate(
  template: string,
  values: TemplateValues,
  escaping: TemplateEscaping,
): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!isPlaceholder(name)) return whole;
    return escape(values[name], escaping);
  });
}

function isPlaceholder(name: string): name is TemplatePlaceholder {
  return (TEMPLATE_PLACEHOLDERS as readonly string[]).includes(name);
}

function escape(value: string, escaping: TemplateEscaping): string {
  switch (escaping) {
    case 'url':
      return encodeURIComponent(value);
    case 'form':
      return encodeURIComponent(value).replace(/%20/g, '+');
    case 'json':
      return JSON.stringify(value).slice(1, -1);
    case 'header':
      if (/[\r\n]/.test(value)) throw new Error('a header value may not hold a line break');
      return value;
  }
}
