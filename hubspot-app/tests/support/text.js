// All text under a rendered node. The renderer's own `.text` holds only a node's direct
// text children, which is too little for a table or a tile.
import { isRenderedTextNode } from '@hubspot/ui-extensions/testing';

export function textOf(node) {
  if (isRenderedTextNode(node)) return node.text;
  const parts = (node.childNodes ?? []).map(textOf).filter(Boolean);
  return parts.join(' ');
}
