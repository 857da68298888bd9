/**
 * The version catalog: which versions of each partner app exist, their end-of-life dates and
 * release notes. New apps get the type's `current` version; the next entry, if any, is the
 * upgrade that DescribePartnerApp offers and UpdatePartnerApp(AppVersion) applies.
 */
import type { PartnerAppType } from './partnerApp.js';

export interface CatalogVersion {
  version: string;
  /** The last day of support, yyyy-mm-dd. */
  eolDate: string;
  /** The start of that day (UTC) in epoch ms, as DescribePartnerApp answers it: worked out once, not on every call. */
  eolTime: number;
  releaseNotes: string[];
}

const entry = (version: string, eolDate: string, releaseNotes: string[]): CatalogVersion => ({
  version,
  eolDate,
  eolTime: Date.parse(`${eolDate}T00:00:00Z`),
  releaseNotes,
});

interface TypeCatalog {
  current: string;
  versions: CatalogVersion[];
}

export const versionCatalog: Readonly<Record<PartnerAppType, TypeCatalog>> = {
  'lakera-guard': {
    current: '1.4',
    versions: [
      entry('1.4', '2027-06-30', ['Prompt-injection detector refresh.']),
      entry('1.5', '2028-03-31', ['Custom policy sets.', 'Lower detection latency.']),
    ],
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
    versions: [
      entry('1.0', '2027-04-30', ['Initial release.']),
      entry('1.1', '2028-02-29', ['Custom evaluation properties.']),
    ],
  },
  fiddler: {
    current: '1.3',
    versions: [
      entry('1.3', '2027-08-31', ['Roles ORG_MEMBER and ORG_ADMIN from Identity Center groups.']),
      entry('1.4', '2028-06-30', ['LLM guardrail dashboards.']),
    ],
  },
};

export const initialVersion = (type: PartnerAppType): string => versionCatalog[type].current;

const entryIndex = (type: PartnerAppType, version: string) => versionCatalog[type].versions.findIndex((v) => v.version === version);

export function versionInfo(type: PartnerAppType, version: string): CatalogVersion | undefined {
  return versionCatalog[type].versions[entryIndex(type, version)];
}

/** The one upgrade on offer: the next minor version. Skipping versions is not supported. */
export function availableUpgrade(type: PartnerAppType, version: string): CatalogVersion | undefined {
  const index = entryIndex(type, version);
  return index < 0 ? undefined : versionCatalog[type].versions[index + 1];
}
