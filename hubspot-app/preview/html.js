// Turns the testing renderer's component tree into static HTML that imitates HubSpot's
// UI components, so the preview shows what the real card code renders from the fixtures.
import { isRenderedTextNode } from '@hubspot/ui-extensions/testing';

const escape = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

const children = (node) => (node.childNodes ?? []).map(toHtml).join('');

const hrefOf = (href) => (typeof href === 'string' ? href : href?.url);

// One entry per component the card uses; anything else is drawn as a labelled box so a
// new component shows up in the preview instead of vanishing.
const ELEMENTS = {
  Flex: (n, p) =>
    `<div class="flex dir-${p.direction ?? 'row'} justify-${p.justify ?? 'start'} align-${p.align ?? 'stretch'} gap-${p.gap ?? 'flush'}${p.wrap ? ' wrap' : ''}">${children(n)}</div>`,
  Text: (n, p) =>
    `<p class="text ${p.variant ?? 'bodytext'}${p.format?.fontWeight ? ` fw-${p.format.fontWeight}` : ''}">${children(n)}</p>`,
  Heading: (n) => `<h3 class="heading">${children(n)}</h3>`,
  Divider: () => '<hr class="divider">',
  Button: (n, p) => {
    const cls = `button ${p.variant ?? 'secondary'} size-${p.size ?? 'md'}${p.disabled ? ' disabled' : ''}`;
    const href = hrefOf(p.href);
    return href ? `<a class="${cls}" href="${escape(href)}">${children(n)}</a>` : `<button class="${cls}">${children(n)}</button>`;
  },
  StatusTag: (n, p) => `<span class="status-tag ${p.variant ?? 'default'}"><i></i>${children(n)}</span>`,
  Tag: (n, p) => `<span class="tag ${p.variant ?? 'default'}">${children(n)}</span>`,
  Tile: (n, p) => `<div class="tile${p.compact ? ' compact' : ''}">${children(n)}</div>`,
  Alert: (n, p) =>
    `<div class="alert ${p.variant ?? 'info'}"><strong>${escape(p.title ?? '')}</strong><div>${children(n)}</div></div>`,
  EmptyState: (n, p) =>
    `<div class="empty-state"><div class="illustration"></div><h2>${escape(p.title ?? '')}</h2>${children(n)}</div>`,
  ErrorState: (n, p) => `<div class="empty-state error"><h2>${escape(p.title ?? '')}</h2>${children(n)}</div>`,
  LoadingSpinner: (n, p) => `<div class="spinner">${escape(p.label)}</div>`,
  DescriptionList: (n, p) => `<dl class="description-list dir-${p.direction ?? 'column'}">${children(n)}</dl>`,
  DescriptionListItem: (n, p) => `<div><dt>${escape(p.label)}</dt><dd>${children(n)}</dd></div>`,
  Table: (n) => `<table class="table">${children(n)}</table>`,
  TableHead: (n) => `<thead>${children(n)}</thead>`,
  TableBody: (n) => `<tbody>${children(n)}</tbody>`,
  TableRow: (n) => `<tr>${children(n)}</tr>`,
  TableHeader: (n) => `<th>${children(n)}</th>`,
  TableCell: (n) => `<td>${children(n)}</td>`,
};

export function toHtml(node) {
  if (isRenderedTextNode(node)) return escape(node.text);
  if (!node.name) return children(node); // root or fragment
  const draw = ELEMENTS[node.name];
  return draw ? draw(node, node.props ?? {}) : `<div class="unknown" title="${escape(node.name)}">${children(node)}</div>`;
}
