/** The registry: X-Amz-Target operation name → handler. Each handler's input is already validated. */
import { AddTags } from './AddTags.js';
import type { Operation, OperationName } from './context.js';
import { CreatePartnerApp } from './CreatePartnerApp.js';
import { CreatePartnerAppPresignedUrl } from './CreatePartnerAppPresignedUrl.js';
import { DeletePartnerApp } from './DeletePartnerApp.js';
import { DeleteTags } from './DeleteTags.js';
import { DescribePartnerApp } from './DescribePartnerApp.js';
import { ListPartnerApps } from './ListPartnerApps.js';
import { ListTags } from './ListTags.js';
import { UpdatePartnerApp } from './UpdatePartnerApp.js';

export const operations: { readonly [Op in OperationName]: Operation<Op> } = {
  CreatePartnerApp,
  DescribePartnerApp,
  ListPartnerApps,
  UpdatePartnerApp,
  DeletePartnerApp,
  CreatePartnerAppPresignedUrl,
  AddTags,
  ListTags,
  DeleteTags,
};

