/**
 * The built-in catalog, used when no `--app-catalog` is given: every type of the model, on the
 * gateway's built-in page (so nothing says how to run them), in any tier.
 */
import { Catalog, catalogVersion as entry, type CatalogEntries } from './catalog.js';

const BUILT_IN: CatalogEntries = {
  'lakera-guard': {
    current: '1.4',
    versions: [entry('1.4', '2027-06-30', ['Prompt-injection detector refresh.']), entry('1.5', '2028-03-31', ['Custom policy sets.', 'Lower detection latency.'])],
  },
  comet: {
    current: '1.1',
    versions: [
      entry('1.1', '2027-05-31', ['Experiment comparison view.']),
      entry('1.2', '2028-01-31', ['Model registry webhooks.', 'Faster artifact upload.']),
      entry('1.3', '2028-09-30', ['Panels API.']),
    ],
  },
  'deepchecks-llm-evaluation': {
    current: '1.0',
    versions: [entry('1.0', '2027-04-30', ['Initial release.']), entry('1.1', '2028-02-29', ['Custom evaluation properties.'])],
  },
  fiddler: {
    current: '1.3',
    versions: [entry('1.3', '2027-08-31', ['Roles ORG_MEMBER and ORG_ADMIN from Identity Center groups.']), entry('1.4', '2028-06-30', ['LLM guardrail dashboards.'])],
  },
};

export const builtInCatalog = new Catalog(BUILT_IN, 'built-in');
