import nock from 'nock';
import { beforeAll } from 'vitest';
import { FakeTenant, salesAssets } from '../connectors/datasphere/fake-tenant.ts';
import { makeSource } from '../connectors/datasphere/make-source.ts';
import { sourceContract } from './source-contract.ts';

beforeAll(() => {
  nock.disableNetConnect();
});

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

sourceContract('datasphere (nock)', async () => {
  nock.cleanAll();
  const tenant = new FakeTenant().addSpace('SALES', salesAssets());
  tenant.install();
  return {
    source: () => makeSource({ maxRetries: 1 }),
    space: 'SALES',
    names: ['SalesOrders_View', 'Addresses_Location', 'SalesOrders'],
    async change(name) {
      const asset = tenant.asset('SALES', name);
      const csn = JSON.parse(asset.csn ?? '{}') as { definitions: Record<string, Record<string, unknown>> };
      (csn.definitions[name] as Record<string, unknown>)['@EndUserText.label'] = 'Changed by the contract';
      asset.csn = JSON.stringify(csn);
    },
    // Its definition answers 500 on every path (design time and $metadata), retries included.
    breakAsset: async (name) => {
      tenant.fail({ path: new RegExp(`/${escape(name)}(/|\\?|$)`), status: 500, times: 1000 });
    },
    breakListing: async () => {
      tenant.fail({ path: /spaces\('SALES'\)\/assets/, status: 500, times: 1000 });
    },
    cleanup: async () => {
      nock.cleanAll();
    },
  };
});
