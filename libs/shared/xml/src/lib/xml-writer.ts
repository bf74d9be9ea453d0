import { XML_NS as NS } from './namespaces';
import { escapeAttribute, escapeText } from './xml-chars';
import type { XmlNode } from './xml-node';

export interface XmlWriteOptions {
  /** Emit `<?xml version="1.0" encoding="utf-8"?>` first. Default true. */
  readonly declaration?: boolean;
  /**
   * The prefix to use for a namespace that has none in scope (namespace URI → prefix), so that
   * output reads like the protocol's usual traffic (EWS's `s`/`m`/`t`, PIDF's `dm`/`rpid`);
   * other namespaces get `ns1`, `ns2`, ….
   */
  readonly preferredPrefixes?: Readonly<Record<string, string>>;
}

const NCNAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;
const CLARK = /^\{([^}]*)\}(.+)$/;

// Names come from code, never from requests, so the set of valid ones seen is small and bounded;
// remembering them keeps the regular expression off the per-element path.
const validNames = new Set<string>();

function checkName(name: string, what: string): void {
  if (validNames.has(name)) return;
  // A bad name is a programming error.
  if (!NCNAME.test(name)) throw new Error(`invalid XML ${what} name: ${JSON.stringify(name)}`);
  validNames.add(name);
}

const NO_PREFERENCES: Readonly<Record<string, string>> = {};

/** Writes an element tree as compact UTF-8-ready XML text. */
export function writeXml(root: XmlNode, options: XmlWriteOptions = {}): string {
  const out: string[] = [];
  if (options.declaration !== false) out.push('<?xml version="1.0" encoding="utf-8"?>');
  writeElement(root, new Map([['xml', NS.XML]]), options.preferredPrefixes ?? NO_PREFERENCES, out);
  return out.join('');
}

class Scope {
  private bindings: Map<string, string>;
  private owned = false;
  readonly declared: [string, string][] = [];

  constructor(
    private readonly inherited: Map<string, string>,
    private readonly preferred: Readonly<Record<string, string>>,
  ) {
    this.bindings = inherited;
  }

  get map(): Map<string, string> {
    return this.bindings;
  }

  bind(prefix: string, uri: string): void {
    if (this.bindings.get(prefix) === uri) return;
    if (!this.owned) {
      this.bindings = new Map(this.inherited);
      this.owned = true;
    }
    this.bindings.set(prefix, uri);
    this.declared.push([prefix, uri]);
  }

  /** A prefix bound to `uri`, declaring one here if none is in scope. */
  prefixFor(uri: string): string {
    if (uri === NS.XML) return 'xml';
    const preferred = Object.prototype.hasOwnProperty.call(this.preferred, uri) ? this.preferred[uri] : undefined;
    if (preferred !== undefined && this.bindings.get(preferred) === uri) return preferred;
    for (const [prefix, bound] of this.bindings) if (bound === uri && prefix !== '') return prefix;
    let candidate = preferred ?? 'ns1';
    for (let n = 1; this.bindings.has(candidate); n++) candidate = `ns${n}`;
    this.bind(candidate, uri);
    return candidate;
  }
}

function writeElement(node: XmlNode, inherited: Map<string, string>, preferred: Readonly<Record<string, string>>, out: string[]): void {
  checkName(node.local, 'element');
  const scope = new Scope(inherited, preferred);
  for (const [prefix, uri] of Object.entries(node.declarations)) {
    // `''` declares the default namespace; only an explicit declaration ever binds it.
    if (prefix !== '') checkName(prefix, 'prefix');
    if (prefix === 'xml' || prefix === 'xmlns' || uri === '') throw new Error(`cannot declare prefix ${prefix} as ${JSON.stringify(uri)}`);
    scope.bind(prefix, uri);
  }
  // An element in no namespace under a default namespace undeclares it (`xmlns=""`).
  if (node.ns === '' && (scope.map.get('') ?? '') !== '') scope.bind('', '');
  const defaultNs = scope.map.get('') ?? '';
  const qname = node.ns === defaultNs ? node.local : `${scope.prefixFor(node.ns)}:${node.local}`;

  let attrs = '';
  for (const key in node.attrs) {
    const value = node.attrs[key];
    const clark = key.charCodeAt(0) === 0x7b /* { */ ? CLARK.exec(key) : null;
    let name = key;
    if (clark !== null) {
      checkName(clark[2], 'attribute');
      name = clark[1] === '' ? clark[2] : `${scope.prefixFor(clark[1])}:${clark[2]}`;
    } else {
      checkName(key, 'attribute');
    }
    attrs += ` ${name}="${escapeAttribute(value)}"`;
  }
  let decls = '';
  for (const [prefix, uri] of scope.declared) decls += ` xmlns${prefix === '' ? '' : `:${prefix}`}="${escapeAttribute(uri)}"`;

  if (node.children.length === 0) {
    out.push(`<${qname}${decls}${attrs}/>`);
    return;
  }
  out.push(`<${qname}${decls}${attrs}>`);
  for (const c of node.children) {
    if (typeof c === 'string') out.push(escapeText(c));
    else writeElement(c, scope.map, preferred, out);
  }
  out.push(`</${qname}>`);
}
