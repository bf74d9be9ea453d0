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

  constructor(fields: Iterable<SipHeaderField> = []) {
    for (const field of fields) this.append(field.name, field.value);
  }

  get size(): number {
    return this.fields.length;
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.fields.some((field) => headerKey(field.name) === key);
  }

  /** The first line's value, or undefined. */
  get(name: string): string | undefined {
    const key = headerKey(name);
    return this.fields.find((field) => headerKey(field.name) === key)?.value;
  }

  /** Every line's value, in order. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    return this.fields.filter((field) => headerKey(field.name) === key).map((field) => field.value);
  }

  /** The elements of a list header: every line, split at top-level commas (quotes and `<…>` respected). */
  list(name: string): string[] {
    return this.getAll(name).flatMap((value) => splitHeaderList(value));
  }

  append(name: string, value: string): this {
    this.fields.push({ name: canonicalHeaderName(name), value });
    return this;
  }

  /** Replaces every line of `name` by one, kept at the first line's position (or appended). */
  set(name: string, value: string): this {
    const key = headerKey(name);
    const at = this.fields.findIndex((field) => headerKey(field.name) === key);
    this.delete(name);
    const field = { name: canonicalHeaderName(name), value };
    if (at === -1) this.fields.push(field);
    else this.fields.splice(at, 0, field);
    return this;
  }

  delete(name: string): this {
    const key = headerKey(name);
    for (let i = this.fields.length - 1; i >= 0; i--) if (headerKey(this.fields[i].name) === key) this.fields.splice(i, 1);
    return this;
  }

  entries(): readonly SipHeaderField[] {
    return this.fields;
  }

  clone(): SipHeaders {
    return new SipHeaders(this.fields);
  }
}
