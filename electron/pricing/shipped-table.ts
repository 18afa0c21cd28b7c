/**
 * The price table shipped with Beacon (usable offline; refreshed by `npm run prices:update`).
 * tsc copies the imported JSON next to the compiled module, like package.json for the version.
 */
import raw from './price-table.json';
import { validatePriceTable, type PriceTable } from './price-table';

export const SHIPPED_TABLE: PriceTable = validatePriceTable(raw as unknown, 'the price table shipped with Beacon (electron/pricing/price-table.json)');
