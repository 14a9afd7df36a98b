/** A JSON Schema 2020-12 node, as zod 4's z.toJSONSchema writes it. */
export interface SchemaNode {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: SchemaNode | boolean;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  $ref?: string;
}

/** Text safe inside a Markdown table cell. */
export function cell(text: string): string {
  // Outside code spans a <word> would be read as an HTML tag.
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith('`') ? part : part.replace(/</g, '\\<')))
    .join('')
    .replace(/\|/g, '\\|')
    .replace(/\n+/g, ' ');
}

export function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** What values a node accepts, in a few words: "integer, 0 to 300", "`jit` or `existing`". */
export function valueRange(node: SchemaNode): string {
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  if (node.enum) return node.enum.map((value) => code(String(value))).join(', ');
  const alternatives = node.oneOf ?? node.anyOf;
  if (alternatives) return alternatives.map(valueRange).join(' or ');
  const type = Array.isArray(node.type) ? node.type.join(' or ') : node.type;
  switch (type) {
    case 'integer':
    case 'number':
      return [type, numberBounds(node)].filter(Boolean).join(', ');
    case 'string':
      return [node.format === 'uri' ? 'URL' : 'text', stringBounds(node)].filter(Boolean).join(', ');
    case 'boolean':
      return '`true` or `false`';
    case 'array':
      return [`list of ${node.items ? plural(valueRange(node.items)) : 'values'}`, countBounds(node)].filter(Boolean).join(', ');
    case 'object':
      if (!node.properties && node.additionalProperties) return 'map (JSON object)';
      return 'object';
    default:
      return 'any JSON value';
  }
}

function plural(text: string): string {
  if (text.startsWith('text')) return `texts${text.slice(4)}`;
  if (text.startsWith('URL')) return `URLs${text.slice(3)}`;
  if (text === 'object') return 'objects';
  return text;
}

function numberBounds(node: SchemaNode): string {
  const max = node.maximum !== undefined && node.maximum < Number.MAX_SAFE_INTEGER ? node.maximum : undefined;
  const min = node.minimum ?? (node.exclusiveMinimum === 0 ? 1 : node.exclusiveMinimum);
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  if (min !== undefined) return `at least ${min}`;
  if (max !== undefined) return `at most ${max}`;
  return '';
}

function stringBounds(node: SchemaNode): string {
  const parts: string[] = [];
  if (node.minLength !== undefined && node.minLength > 1) parts.push(`at least ${node.minLength} characters`);
  if (node.maxLength !== undefined) parts.push(`at most ${node.maxLength} characters`);
  if (node.pattern) parts.push(`matching ${code(node.pattern)}`);
  return parts.join(', ');
}

function countBounds(node: SchemaNode): string {
  if (node.minItems !== undefined && node.maxItems !== undefined) return `${node.minItems} to ${node.maxItems} entries`;
  if (node.maxItems !== undefined) return `at most ${node.maxItems} entries`;
  if (node.minItems !== undefined) return `at least ${node.minItems}`;
  return '';
}

/** The default as written in a config file; empty when there is none. */
export function defaultText(node: SchemaNode): string {
  if (node.default === undefined) return '';
  if (typeof node.default === 'object' && node.default !== null && !Array.isArray(node.default) && Object.keys(node.default).length === 0) return '';
  return code(JSON.stringify(node.default));
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes. */
export function anchorOf(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9 _-]/g, '')
    .replace(/ /g, '-');
}
