/**
 * The version catalog: which versions of each partner app exist, their end-of-life dates and
 * release notes. New apps get the type's `current` version; the next entry, if any, is the
 * upgrade that DescribePartnerApp offers and UpdatePartnerApp(AppVersion) applies.
 */
import type { PartnerAppType } from './partnerApp.js';

export interface CatalogVersion {
  version: string;
  eolDate: string;
  releaseNotes: string[];
}

interface TypeCatalog {
  current: string;
  versions: CatalogVersion[];
}

export const versionCatalog: Readonly<Record<PartnerAppType, TypeCatalog>> = {
  'lakera-guard': {
    current: '1.4',
    versions: [
      { version: '1.4', eolDate: '2027-06-30', releaseNotes: ['Prompt-injection detector refresh.'] },
      { version: '1.5', eolDate: '2028-03-31', releaseNotes: ['Custom policy sets.', 'Lower detection latency.'] },
    ],
  },
  comet: {
    current: '1.1',
    versions: [
      { version: '1.1', eolDate: '2027-05-31', releaseNotes: ['Experiment comparison view.'] },
      { version: '1.2', eolDate: '2028-01-31', releaseNotes: ['Model registry webhooks.', 'Faster artifact upload.'] },
      { version: '1.3', eolDate: '2028-09-30', releaseNotes: ['Panels API.'] },
    ],
  },
  'deepchecks-llm-evaluation': {
    current: '1.0',
    versions: [
      { version: '1.0', eolDate: '2027-04-30', releaseNotes: ['Initial release.'] },
      { version: '1.1', eolDate: '2028-02-29', releaseNotes: ['Custom evaluation properties.'] },
    ],
  },
  fiddler: {
    current: '1.3',
    versions: [
      { version: '1.3', eolDate: '2027-08-31', releaseNotes: ['Roles ORG_MEMBER and ORG_ADMIN from Identity Center groups.'] },
      { version: '1.4', eolDate: '2028-06-30', releaseNotes: ['LLM guardrail dashboards.'] },
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
