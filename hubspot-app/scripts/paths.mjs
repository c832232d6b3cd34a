// Where every file that the scripts read or write lives, relative to a project root.
// Scripts take the root as a parameter so tests can run them against a scratch copy.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const projectFiles = (root = APP_ROOT) => ({
  cardConfig: path.join(root, 'src/app/cards/config.js'),
  appMeta: path.join(root, 'src/app/app-hsmeta.json'),
  webhooksMeta: path.join(root, 'src/app/webhooks/deeto-webhooks-hsmeta.json'),
  // The backend's own config, shared with the Rust side: the webhooks file is derived from it.
  fieldMapping: path.join(root, '../config/field-mapping.json'),
  campaignRules: path.join(root, '../config/campaign-rules.json'),
});
