import { canonicalHeaderName, headerKey } from './header-names';
import { splitHeaderList } from './header-grammar';

export interface SipHeaderField {
  /** Canonical name (compact forms expanded). */
  readonly name: string;
  /** The value with folding undone and surrounding whitespace removed. */
  readonly value: string;
}

/**
 * The header fields of one message, in order. Names compare case-insensitively and compact forms equal long
 * ones; repeated lines are kept as they came (RFC 3261 §7.3.1 lets a list header be split over several lines).
 */
export class SipHeaders {
  private readonly fields: SipHeaderField[] = [];
  /** headerKey of each field, computed once: lookups run on every typed accessor. */
  private readonly keys: string[] = [];

  constructor(fields: Iterable<SipHeaderField> = []) {
    for (const field of fields) this.append(field.name, field.value);
  }

  get size(): number {
    return this.fields.length;
  }

  has(name: string): boolean {
    return this.keys.includes(headerKey(name));
  }

  /** The first line's value, or undefined. */
  get(name: string): string | undefined {
    const at = this.keys.indexOf(headerKey(name));
    return at === -1 ? undefined : this.fields[at].value;
  }

  /** Every line's value, in order. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const values: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) values.push(this.fields[i].value);
    return values;
  }

  /** The elements of a list header: every line, split at top-level commas (quotes and `<…>` respected). */
  list(name: string): string[] {
    return this.getAll(name).flatMap((value) => splitHeaderList(value));
  }

  append(name: string, value: string): this {
    this.fields.push({ name: canonicalHeaderName(name), value });
    this.keys.push(headerKey(name));
    return this;
  }

  /** Replaces every line of `name` by one, kept at the first line's position (or appended). */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.keys.indexOf(key);
    if (at === -1) return this.append(name, value);
    this.delete(name);
    this.fields.splice(at, 0, { name: canonicalHeaderName(name), value });
    this.keys.splice(at, 0, key);
    return this;
  }

  delete(name: string): this {
    const key = headerKey(name);
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] === key) {
        this.fields.splice(i, 1);
        this.keys.splice(i, 1);
      }
    }
    return this;
  }

  entries(): readonly SipHeaderField[] {
    return this.fields;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.fields);
  }
}
