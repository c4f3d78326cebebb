/**
 * Building DOM and SVG nodes. Text always goes in through `textContent`, never markup: group
 * values (categories, teams) come from producers and must not be able to inject anything.
 */

const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';

/** Attributes of a new node; `undefined` leaves one out. */
export type Attributes = Readonly<Record<string, string | number | undefined>>;

function setAttributes(node: Element, attributes: Attributes): void {
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined) node.setAttribute(name, String(value));
  }
}

/** An HTML element with attributes and children (strings become text nodes). */
export function html<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  setAttributes(node, attributes);
  node.append(...children);
  return node;
}

/** An SVG element with attributes and children. */
export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  children: readonly (Node | string)[] = [],
): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG_NAMESPACE, tag);
  setAttributes(node, attributes);
  node.append(...children);
  return node;
}

/** A window start as the API writes it (`2026-11-25T04:07:00Z`), so tests compare attributes with API points as text. */
export function isoMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.000Z$/, 'Z');
}
